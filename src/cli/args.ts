/** Flags → API request objects (the CLI speaks the same requests as the HTTP API). */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type {
  ClusterInput,
  EstimateRequest,
  ModelInput,
  PlanRequest,
  ScheduleRequest,
} from '../contract/index.js';
import { HETERO_PLAN_OPTIONS, heteroCluster, prices } from './hetero-args.js';
import { CliUsageError } from './errors.js';

const COMMON = {
  model: { type: 'string' },
  cluster: { type: 'string' },
  accelerator: { type: 'string' },
  'gpus-per-node': { type: 'string' },
  nodes: { type: 'string' },
  'global-batch': { type: 'string' },
  seq: { type: 'string' },
  precision: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const PLAN_OPTIONS = {
  ...COMMON,
  objective: { type: 'string' },
  top: { type: 'string' },
  'max-candidates': { type: 'string' },
  'all-nodes': { type: 'boolean' },
  'step-time-target': { type: 'string' },
  emit: { type: 'string' },
  'emit-only': { type: 'boolean' },
  solver: { type: 'string' },
  'time-limit': { type: 'string' },
  'batch-size': { type: 'string' },
  dim: { type: 'string', multiple: true },
  'input-value': { type: 'string', multiple: true },
  ...HETERO_PLAN_OPTIONS,
} as const;

export const SCHEDULE_OPTIONS = {
  stages: { type: 'string' },
  'micro-batches': { type: 'string' },
  schedule: { type: 'string' },
  'virtual-stages': { type: 'string' },
  slices: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const ESTIMATE_OPTIONS = {
  ...COMMON,
  dp: { type: 'string' },
  tp: { type: 'string' },
  pp: { type: 'string' },
  mbs: { type: 'string' },
  'micro-batches': { type: 'string' },
  vpp: { type: 'string' },
  sp: { type: 'boolean' },
  'no-sp': { type: 'boolean' },
  recompute: { type: 'string' },
  zero: { type: 'string' },
  schedule: { type: 'string' },
} as const;

export type Values = Record<string, string | boolean | string[] | undefined>;

/** parseArgs, with its errors turned into a CliUsageError naming the flag. */
export function parse(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
): Values {
  try {
    const { values } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: false,
    });
    return values as Values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? null;
    throw new CliUsageError(flag, message.replace(/\. To specify.*$/, ''));
  }
}

function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function required(values: Values, name: string): string {
  const value = str(values, name);
  if (value === undefined) throw new CliUsageError(`--${name}`, 'is required');
  return value;
}

/** A whole number; range checks are left to the API schemas (same messages everywhere). */
function int(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new CliUsageError(`--${name}`, `must be an integer, got '${raw}'`);
  return Number(raw);
}

function requiredInt(values: Values, name: string): number {
  required(values, name);
  return int(values, name) ?? 0;
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

/** Enum-valued flags are passed through as strings; the API schemas reject unknown values. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new CliUsageError('--model', `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** An operator-graph JSON has `tensors` and a `nodes` array; anything else is an HF config. */
function isOperatorGraph(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && 'tensors' in json && 'nodes' in json;
}

/** --model: a zoo id, or a path to a Hugging Face config.json. */
export function model(values: Values): ModelInput {
  const value = required(values, 'model');
  if (!value.endsWith('.json')) return value;
  if (!existsSync(value)) throw new CliUsageError('--model', `no such file '${value}'`);
  const json = readJson(value);
  if (isOperatorGraph(json) || typeof json !== 'object' || json === null) {
    throw new CliUsageError('--model', `${value} is not a Hugging Face config.json`);
  }
  return { huggingFaceConfig: json as Record<string, unknown> };
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
 * plan --model model.onnx: the file as base64 and how its dims bind: --batch-size (batch dims),
 * --dim NAME=VALUE (symbolic dims by name, or 'input[axis]'), --input-value NAME=VALUE[,VALUE…]
 * (inputs that steer control flow); --seq (required) binds seq-named dims.
 */
function onnxModel(values: Values, path: string): PlanRequest['model'] {
  if (!existsSync(path)) throw new CliUsageError('--model', `no such file '${path}'`);
  if (str(values, 'seq') === undefined)
    throw new CliUsageError(
      '--seq',
      'is required for an .onnx model: the sequence length its sequence-named dims (seq, sequence_length, …) bind to; any value when it has none',
    );
  return {
    onnx: readFileSync(path).toString('base64'),
    ...optional('batchSize', int(values, 'batch-size')),
    ...optional('dimParams', named(values, 'dim', wholeNumber)),
    ...optional('inputValues', named(values, 'input-value', numbers)),
  };
}

/** plan --model: also an operator graph (graph.json with tensors + nodes) or an .onnx file. */
function planModel(values: Values): PlanRequest['model'] {
  const value = required(values, 'model');
  if (value.endsWith('.onnx')) return onnxModel(values, value);
  if (value.endsWith('.json') && existsSync(value)) {
    const json = readJson(value);
    if (isOperatorGraph(json)) return { graph: json };
  }
  return model(values);
}
function cluster(values: Values): ClusterInput {
  const nodes = requiredInt(values, 'nodes');
  const preset = str(values, 'cluster');
  if (preset !== undefined) return { preset, nodes };
  const accelerator = str(values, 'accelerator');
  if (accelerator === undefined) {
    throw new CliUsageError(
      '--cluster',
      'give a preset (--cluster dgx-h100) or --accelerator with --gpus-per-node',
    );
  }
  return { accelerator, gpusPerNode: requiredInt(values, 'gpus-per-node'), nodes };
}

/** Operator graphs take their shapes from the graph: --seq is then optional (and unused). */
const GRAPH_SEQUENCE_PLACEHOLDER = 1;

export function training(values: Values, isGraph = false): PlanRequest['training'] {
  return {
    globalBatchSize: requiredInt(values, 'global-batch'),
    sequenceLength: isGraph
      ? (int(values, 'seq') ?? GRAPH_SEQUENCE_PLACEHOLDER)
      : requiredInt(values, 'seq'),
    ...optional('precision', str(values, 'precision') as PlanRequest['training']['precision']),
  };
}

type Search = NonNullable<PlanRequest['search']>;

export function planRequest(values: Values): PlanRequest {
  const search: Search = {
    ...optional('objective', str(values, 'objective') as Search['objective']),
    ...optional('topK', int(values, 'top')),
    ...optional('maxCandidates', int(values, 'max-candidates')),
    ...optional('allowIdleNodes', values['all-nodes'] === true ? false : undefined),
    ...optional('stepTimeTargetSeconds', num(values, 'step-time-target')),
    ...optional('timeLimitSeconds', num(values, 'time-limit')),
    ...optional('solver', str(values, 'solver') as Search['solver']),
    ...optional('exports', emitFormats(values)),
    ...optional('prices', prices(values)),
  };
  const planned = planModel(values);
  const isGraph = typeof planned === 'object' && ('graph' in planned || 'onnx' in planned);
  const planCluster = heteroCluster(values) ?? cluster(values);
  return { model: planned, cluster: planCluster, training: training(values, isGraph), search };
}

/** --emit <format>; the API schema rejects unknown formats (naming search.exports). */
function emitFormats(values: Values): Search['exports'] {
  const emit = str(values, 'emit');
  if (emit === undefined) {
    if (values['emit-only'] === true)
      throw new CliUsageError('--emit-only', 'needs --emit <format>');
    return undefined;
  }
  return [emit as NonNullable<Search['exports']>[number]];
}

export function scheduleRequest(values: Values): ScheduleRequest {
  return {
    stages: requiredInt(values, 'stages'),
    microBatches: requiredInt(values, 'micro-batches'),
    schedule: required(values, 'schedule') as ScheduleRequest['schedule'],
    ...optional('virtualStages', int(values, 'virtual-stages')),
    ...optional('slices', int(values, 'slices')),
  };
}

type StrategyInput = EstimateRequest['strategy'];

export function estimateRequest(values: Values): EstimateRequest {
  const sp = values['sp'] === true ? true : values['no-sp'] === true ? false : undefined;
  const zero = int(values, 'zero');
  const strategy: StrategyInput = {
    dataParallel: requiredInt(values, 'dp'),
    tensorParallel: requiredInt(values, 'tp'),
    pipelineParallel: requiredInt(values, 'pp'),
    microBatchSize: requiredInt(values, 'mbs'),
    ...optional('numMicroBatches', int(values, 'micro-batches')),
    ...optional('virtualStages', int(values, 'vpp')),
    ...optional('sequenceParallel', sp),
    ...optional('recompute', str(values, 'recompute') as StrategyInput['recompute']),
    ...optional('zeroStage', zero as StrategyInput['zeroStage']),
    ...optional('schedule', str(values, 'schedule') as StrategyInput['schedule']),
  };
  return { model: model(values), cluster: cluster(values), training: training(values), strategy };
}
