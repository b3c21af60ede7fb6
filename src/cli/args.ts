/**
 * Flag values: parseArgs over a command's flag table, and typed readers that turn a bad value into
 * a CliUsageError naming the flag. Range and enum checks are left to the API schemas (the same
 * messages everywhere), and errors on those come back naming the flag (errors.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ModelInput, PlanRequest } from '../contract/index.js';
import { CliUsageError } from './errors.js';
import type { CommandSpec } from './flag-spec.js';
import { parseOptions } from './flag-spec.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  readonly values: Values;
  readonly positionals: readonly string[];
}

/** parseArgs with the command's flags, its errors turned into a CliUsageError naming the flag. */
export function parse(args: readonly string[], spec: CommandSpec, positionals = false): Parsed {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: parseOptions(spec),
      strict: true,
      allowPositionals: positionals,
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? null;
    const hint = ` (strata ${spec.name} --help lists the flags)`;
    throw new CliUsageError(flag, message.replace(/\. To specify.*$/, '') + hint);
  }
}

/** The flags given on the command line, as `--name`. */
export function givenFlags(values: Values): Set<string> {
  return new Set(
    Object.entries(values)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k]) => `--${k}`),
  );
}

export function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function integer(raw: string, name: string): number {
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new CliUsageError(`--${name}`, `must be an integer, got '${raw}'`);
  }
  return Number(raw);
}

export function int(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  return raw === undefined ? undefined : integer(raw, name);
}

/** `--tp 4,8` → [4, 8]. */
export function intList(values: Values, name: string): number[] | undefined {
  return strList(values, name)?.map((item) => integer(item, name));
}

/** `--recompute none,selective` → ['none', 'selective'] (the API schema checks each value). */
export function strList(values: Values, name: string): string[] | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) {
    throw new CliUsageError(`--${name}`, `expected a value or a comma list, got '${raw}'`);
  }
  return items;
}

export function num(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliUsageError(`--${name}`, `must be a number, got '${raw}'`);
  }
  return value;
}

const ON = new Set(['on', 'true', 'yes', '1']);
const OFF = new Set(['off', 'false', 'no', '0']);

/** `--flash-attention on|off`. */
export function onOff(values: Values, name: string): boolean | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (ON.has(raw.toLowerCase())) return true;
  if (OFF.has(raw.toLowerCase())) return false;
  throw new CliUsageError(`--${name}`, `must be on or off, got '${raw}'`);
}

/** --sp / --no-sp → true / false / undefined. */
export function sequenceParallel(values: Values): boolean | undefined {
  if (values['sp'] === true && values['no-sp'] === true) {
    throw new CliUsageError('--no-sp', 'give --sp or --no-sp, not both');
  }
  return values['sp'] === true ? true : values['no-sp'] === true ? false : undefined;
}

/** `{ key: value }`, or `{}` when value is undefined (exactOptionalPropertyTypes). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function readJsonFile(path: string, flag: string): unknown {
  try {
    const text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliUsageError(flag, `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** An operator-graph JSON has `tensors` and a `nodes` array; anything else is an HF config. */
function isOperatorGraph(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && 'tensors' in json && 'nodes' in json;
}

/** --model: a zoo id, or a path to a Hugging Face config.json. */
export function modelInput(value: string): ModelInput {
  if (!value.endsWith('.json')) return value;
  if (!existsSync(value)) throw new CliUsageError('--model', `no such file '${value}'`);
  const json = readJsonFile(value, '--model');
  if (isOperatorGraph(json) || typeof json !== 'object' || json === null) {
    throw new CliUsageError('--model', `${value} is not a Hugging Face config.json`);
  }
  return { huggingFaceConfig: json as Record<string, unknown> };
}

/** How an .onnx model's dims bind (model.batchSize, model.dimParams, model.inputValues). */
export interface OnnxBinding {
  readonly batchSize?: number;
  readonly dimParams?: Record<string, number>;
  readonly inputValues?: Record<string, number | number[]>;
}

/** Repeated NAME=VALUE flags (--dim, --input-value) as a record; undefined when none is given. */
function named<T>(
  values: Values,
  flag: string,
  parse: (raw: string) => T | undefined,
): Record<string, T> | undefined {
  const given = values[flag];
  if (!Array.isArray(given) || given.length === 0) return undefined;
  const out: Record<string, T> = {};
  for (const entry of given) {
    const at = entry.lastIndexOf('=');
    const value = at > 0 ? parse(entry.slice(at + 1)) : undefined;
    if (value === undefined)
      throw new CliUsageError(
        `--${flag}`,
        `must be NAME=VALUE with a numeric value, got '${entry}'`,
      );
    out[entry.slice(0, at)] = value;
  }
  return out;
}

const wholeNumber = (raw: string): number | undefined =>
  /^\d+$/.test(raw) ? Number(raw) : undefined;

/** A number, or comma-separated numbers for an input of several elements. */
const numbers = (raw: string): number | number[] | undefined => {
  const parts = raw.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.some((x) => !Number.isFinite(x))) return undefined;
  return parts.length === 1 ? parts[0] : parts;
};

/**
 * plan --model model.onnx: --batch-size (batch dims), --dim NAME=VALUE (symbolic dims by name, or
 * 'input[axis]'), --input-value NAME=VALUE[,VALUE…] (inputs that steer control flow), each
 * repeatable; sequence-named dims bind from --seq (training.sequenceLength).
 */
export function onnxBinding(values: Values): OnnxBinding {
  return {
    ...optional('batchSize', int(values, 'batch-size')),
    ...optional('dimParams', named(values, 'dim', wholeNumber)),
    ...optional('inputValues', named(values, 'input-value', numbers)),
  };
}

/** plan --model: also an operator graph (graph.json with tensors + nodes) or an .onnx file. */
export function planModelInput(value: string, onnx: OnnxBinding = {}): PlanRequest['model'] {
  if (value.endsWith('.onnx')) {
    if (!existsSync(value)) throw new CliUsageError('--model', `no such file '${value}'`);
    return { onnx: readFileSync(value).toString('base64'), ...onnx };
  }
  if (value.endsWith('.json') && existsSync(value)) {
    const json = readJsonFile(value, '--model');
    if (isOperatorGraph(json)) return { graph: json };
  }
  return modelInput(value);
}
