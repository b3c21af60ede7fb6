/**
 * The opening every request command shares (plan, select, estimate, schedule): parse the flags,
 * answer --help, read the --request file and merge the flags over it, and remember where each
 * field came from, so that a rejected field is blamed on the flag or file the user wrote.
 */
import type { Values } from './args.js';
import { givenFlags, parse } from './args.js';
import type { RequestSource } from './errors.js';
import type { CommandSpec } from './flag-spec.js';
import { commandHelp } from './flag-spec.js';
import type { Json, RequestBase } from './request-file.js';
import { readRequest } from './request-file.js';

/** A request command's flags, its merged request body, and where the body came from. */
export interface RequestCommand {
  readonly values: Values;
  readonly body: Json;
  readonly source: RequestSource;
}

/** Where a request came from: the flags given with `spec` and the file (if any) under them. */
export function requestSource(
  spec: CommandSpec,
  values: Values,
  file: string | null,
  fileKind = 'request',
): RequestSource {
  return { spec, flagsGiven: givenFlags(values), file, fileKind };
}

/**
 * Parse `args` for `spec` and build the request body with `bodyOf`; the help text instead when
 * --help was given (the caller returns it as the command's output).
 */
export function openRequestCommand(
  args: readonly string[],
  spec: CommandSpec,
  bodyOf: (values: Values, base: RequestBase) => Json,
): RequestCommand | string {
  const { values } = parse(args, spec);
  if (values['help'] === true) return commandHelp(spec);
  const base = readRequest(values);
  return { values, body: bodyOf(values, base), source: requestSource(spec, values, base.file) };
}

/** Pretty JSON for --json output. */
export const json = (value: unknown): string => JSON.stringify(value, null, 2);
