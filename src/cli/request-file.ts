/**
 * `--request file.json`: an API request body the flags are laid over. Objects merge field by field
 * (a flag replaces only the field it sets: `--tp 8` replaces search.constraints.tensorParallel and
 * keeps the file's other constraints); arrays and values replace. The merged body goes to the same
 * zod schemas as an HTTP request.
 */
import type { Values } from './args.js';
import { readJsonFile, str } from './args.js';
import { CliUsageError } from './errors.js';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The --request body ({} without --request) and its file name for messages. */
export interface RequestBase {
  readonly file: string | null;
  readonly body: Json;
}

export function readRequest(values: Values): RequestBase {
  const file = str(values, 'request');
  if (file === undefined) return { file: null, body: {} };
  const body = readJsonFile(file, '--request');
  if (!isObject(body)) throw new CliUsageError('--request', `${file} must hold a JSON object`);
  return { file: file === '-' ? 'stdin' : file, body };
}

/** `over` laid on `base`: plain objects merge recursively, undefined keeps base, else replace. */
export function deepMerge(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isObject(value) && isObject(current) ? deepMerge(current, value) : value;
  }
  return merged;
}

/** Drops undefined values so that `{ a: undefined }` merges as `{}`. */
export function defined(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

export function valueAt(body: Json, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
  return value;
}

/** A CliUsageError naming the flag when a required field is in neither the flags nor the file. */
export function requireField(base: RequestBase, body: Json, path: string, flag: string): void {
  if (valueAt(body, path) !== undefined) return;
  const where = base.file === null ? '' : ` (or set ${path} in ${base.file})`;
  throw new CliUsageError(flag, `is required${where}`);
}

/** requireField for each [path, flag] in order: the first one missing is the error. */
export function requireFields(
  base: RequestBase,
  body: Json,
  fields: readonly (readonly [path: string, flag: string])[],
): void {
  for (const [path, flag] of fields) requireField(base, body, path, flag);
}
