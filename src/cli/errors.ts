/**
 * CLI failures: a bad flag (exit 2), or a request the planner rejects (exit 2 for 4xx input the
 * user must fix, 1 otherwise). API errors are told in the user's terms: a field set by a flag is
 * named by that flag (`--tp`, not `search.constraints.tensorParallel`), a field from the --request
 * file or study spec by the file and its path; validation failures list every issue.
 */
import { ApiError } from '../contract/index.js';
import type { CommandSpec } from './flag-spec.js';
import { flagForField, flagsOf } from './flag-spec.js';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  constructor(
    readonly flag: string | null,
    message: string,
  ) {
    super(flag === null ? message : `${flag}: ${message}`);
  }
}

/** Where a request came from: the command's flags (those given) and the file under them. */
export interface RequestSource {
  readonly spec: CommandSpec;
  readonly flagsGiven: ReadonlySet<string>;
  /** --request file or study spec, as the user named it; null when flags alone built the body. */
  readonly file: string | null;
  /** What the file holds, for the header of a multi-issue message ('request', 'study spec'). */
  readonly fileKind?: string;
}

/** An ApiError raised while running a request built from `source`. */
export class CliRequestError extends Error {
  override readonly name = 'CliRequestError';
  constructor(
    readonly apiError: ApiError,
    readonly source: RequestSource,
  ) {
    super(apiError.message, { cause: apiError });
  }
}

/** Runs `operation`; an ApiError from it is re-thrown with the request's source attached. */
export async function attributed<T>(
  source: RequestSource,
  operation: () => T | Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw error instanceof ApiError ? new CliRequestError(error, source) : error;
  }
}

/** An issue path as the API writes fields: `cluster.groups[1].nodes`. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** `--tp`, `req.json: search.constraints.tensorParallel (--tp)`, or the bare field. */
export function whereIs(source: RequestSource | null, field: string | undefined): string | null {
  if (field === undefined || field === '') return source?.file ?? null;
  if (source === null) return field;
  const flag = flagForField(source.spec, field);
  if (flag !== null && (source.flagsGiven.has(flag) || source.file === null)) return flag;
  if (source.file === null) return field;
  return `${source.file}: ${field}${flag === null ? '' : ` (${flag})`}`;
}

const prefixed = (where: string | null, message: string): string =>
  where === null ? message : `${where}: ${message}`;

export interface CliFailure {
  readonly message: string;
  readonly exitCode: number;
}

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** The problem document's status line: `400 VALIDATION_FAILED`. */
const statusOf = (e: ApiError): string => `${e.status} ${e.code}`;

/** The axis pins among the flags given (`--tp`, `--pp`…: flags that set search.constraints). */
function pinsGiven(source: RequestSource | null): string[] {
  if (source === null) return [];
  return flagsOf(source.spec)
    .filter((f) => (f.fields ?? []).some((p) => p.startsWith('search.constraints.')))
    .map((f) => `--${f.name}`)
    .filter((flag) => source.flagsGiven.has(flag));
}

function describeIssues(error: ApiError, source: RequestSource | null): string {
  const issues = error.issues ?? [];
  const wheres = issues.map((i) => whereIs(source, fieldName(i.path)));
  const lines = issues.map((i, k) => prefixed(wheres[k] ?? null, i.message));
  if (lines.length === 1) return lines[0] ?? error.message;
  const file = source?.file ?? null;
  const fromFile = file !== null && wheres.some((w) => w?.startsWith(`${file}:`) === true);
  const what = fromFile ? `${source?.fileKind ?? 'request'} ${file}` : 'request';
  // The header names the file once; each line then gives the path inside it.
  const inFile = (line: string): string =>
    fromFile && line.startsWith(`${file}: `) ? line.slice(`${file}: `.length) : line;
  return [
    `invalid ${what} (${statusOf(error)}), ${lines.length} issues:`,
    ...lines.map((l) => `  ${inFile(l)}`),
  ].join('\n');
}

function describeApiError(error: ApiError, source: RequestSource | null): string {
  if (error.code === 'VALIDATION_FAILED' && (error.issues ?? []).length > 0) {
    return describeIssues(error, source);
  }
  const detail = error.message.replace(/\s+/g, ' ');
  const pins = pinsGiven(source);
  if (error.details?.['reason'] === 'no-feasible-plan' && pins.length > 0) {
    // The search found nothing inside the pinned axes: the pins are what to change.
    return `${pins.join(' ')}: ${detail}; no valid strategy within these pins, loosen them`;
  }
  return prefixed(whereIs(source, error.field), detail);
}

/** Text for stderr and an exit code: 2 for input the user must fix, 1 otherwise. */
export function describeFailure(error: unknown): CliFailure {
  if (error instanceof CliUsageError) return { message: error.message, exitCode: EXIT_USAGE };
  const apiError =
    error instanceof CliRequestError ? error.apiError : error instanceof ApiError ? error : null;
  if (apiError !== null) {
    const source = error instanceof CliRequestError ? error.source : null;
    return {
      message: describeApiError(apiError, source),
      exitCode: apiError.status < 422 ? EXIT_USAGE : EXIT_FAILURE,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${text}`, exitCode: EXIT_FAILURE };
}
