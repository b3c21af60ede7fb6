/**
 * Parse a Megatron-LM argument list back into plan terms: the round-trip check for megatron.ts.
 * Understands the flags megatron.ts emits plus the alternative upstream spellings of the same
 * facts (--recompute-activations, --num-layers-per-virtual-pipeline-stage,
 * --decoder-first/last-pipeline-num-layers), derived the way validate_args does
 * (megatron/training/arguments.py).
 */
import type { RecomputeMode } from '../costmodel/index.js';
import { ExportError } from './errors.js';
import { parsePipelineLayout } from './megatron-layout.js';

export interface ParsedMegatronArgs {
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  /** world / (tp·pp·cp), as validate_args derives data_parallel_size. */
  readonly dp: number;
  /** Virtual stages per pipeline rank (1 = not interleaved). */
  readonly vpp: number;
  readonly microBatchSize: number;
  readonly globalBatchSize: number;
  readonly numLayers: number;
  /** Transformer layers per chunk in pipeline order (length pp·vpp). */
  readonly layersPerChunk: readonly number[];
  readonly recompute: RecomputeMode;
  /** --recompute-num-layers with method block; null otherwise. */
  readonly recomputeLayers: number | null;
  readonly sequenceParallel: boolean;
  readonly distributedOptimizer: boolean;
}

/** Flag → value (`true` for a bare switch), as argparse would see them. */
export type MegatronFlags = ReadonlyMap<string, string | true>;
type Flags = MegatronFlags;

/** Read an argv into flags: `--name value`, `--name=value` or a bare `--switch`. */
export function readMegatronFlags(argv: readonly string[]): MegatronFlags {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    if (eq > 0) {
      flags.set(word.slice(0, eq), word.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(word, next);
      i++;
    } else flags.set(word, true);
  }
  return flags;
}

function bad(message: string, flag: string): never {
  throw new ExportError('megatron', 'unparseable', message, flag);
}

function intFlag(flags: Flags, name: string, fallback: number | null): number {
  const v = flags.get(name);
  if (v === undefined) {
    if (fallback === null) bad(`missing ${name}`, name);
    return fallback;
  }
  const n = Number(v);
  if (v === true || !Number.isInteger(n)) bad(`${name} needs an integer (got ${String(v)})`, name);
  return n;
}

function stringFlag(flags: Flags, name: string): string | null {
  const v = flags.get(name);
  return typeof v === 'string' ? v : null;
}

/** Layers per chunk: from the layout, else first/last counts with an even middle, else even. */
function chunkSplit(flags: Flags, numLayers: number, pp: number): { split: number[]; vpp: number } {
  const layout = stringFlag(flags, '--pipeline-model-parallel-layout');
  if (layout !== null) {
    const split = parsePipelineLayout(layout);
    if (split === null || split.length % pp !== 0)
      bad(`bad layout "${layout}"`, '--pipeline-model-parallel-layout');
    return { split, vpp: split.length / pp };
  }
  let vpp = intFlag(flags, '--num-virtual-stages-per-pipeline-rank', 1);
  const perVirtual = flags.get('--num-layers-per-virtual-pipeline-stage');
  if (perVirtual !== undefined)
    vpp = numLayers / pp / intFlag(flags, '--num-layers-per-virtual-pipeline-stage', 1);
  const chunks = pp * vpp;
  const first = flags.has('--decoder-first-pipeline-num-layers')
    ? intFlag(flags, '--decoder-first-pipeline-num-layers', 0)
    : null;
  const last = flags.has('--decoder-last-pipeline-num-layers')
    ? intFlag(flags, '--decoder-last-pipeline-num-layers', 0)
    : null;
  if (first === null && last === null)
    return { split: Array.from({ length: chunks }, () => numLayers / chunks), vpp };
  // The first/last stage get the given counts and the rest split evenly over the other chunks;
  // exact for vpp = 1 (the case megatron.ts would emit these for), approximate with interleaving.
  const middleChunks = chunks - (first === null ? 0 : 1) - (last === null ? 0 : 1);
  const middle = (numLayers - (first ?? 0) - (last ?? 0)) / middleChunks;
  const split = Array.from({ length: chunks }, () => middle);
  if (first !== null) split[0] = first;
  if (last !== null) split[chunks - 1] = last;
  return { split, vpp };
}

function recomputeOf(flags: Flags): { recompute: RecomputeMode; recomputeLayers: number | null } {
  const granularity = flags.has('--recompute-activations')
    ? 'selective'
    : stringFlag(flags, '--recompute-granularity');
  if (granularity === null) return { recompute: 'none', recomputeLayers: null };
  if (granularity === 'selective') return { recompute: 'selective', recomputeLayers: null };
  if (granularity !== 'full')
    bad(`unknown recompute granularity ${granularity}`, '--recompute-granularity');
  const method = stringFlag(flags, '--recompute-method');
  const layers = intFlag(flags, '--recompute-num-layers', 1);
  return { recompute: 'full', recomputeLayers: method === 'block' ? layers : null };
}

/** Parse an emitted (or hand-written) Megatron-LM argv; worldSize gives the data-parallel degree. */
export function parseMegatronArgs(argv: readonly string[], worldSize: number): ParsedMegatronArgs {
  const flags = readMegatronFlags(argv);
  const tp = intFlag(flags, '--tensor-model-parallel-size', 1);
  const pp = intFlag(flags, '--pipeline-model-parallel-size', 1);
  const cp = intFlag(flags, '--context-parallel-size', 1);
  const numLayers = intFlag(flags, '--num-layers', null);
  const microBatchSize = intFlag(flags, '--micro-batch-size', null);
  const dp = worldSize / (tp * pp * cp);
  const globalBatchSize = intFlag(flags, '--global-batch-size', microBatchSize * dp);
  const { split, vpp } = chunkSplit(flags, numLayers, pp);
  return {
    tp,
    pp,
    cp,
    dp,
    vpp,
    microBatchSize,
    globalBatchSize,
    numLayers,
    layersPerChunk: split,
    ...recomputeOf(flags),
    sequenceParallel: flags.has('--sequence-parallel') && tp > 1,
    distributedOptimizer: flags.has('--use-distributed-optimizer'),
  };
}

/**
 * Split an exported shell command into words: `\`-newline continuations joined, single and double
 * quotes and backslash escapes removed (no expansion; `$VARS` stay as written). Enough for the commands shell.ts writes.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  const src = text.replace(/\\\n/g, ' ');
  let escaped = false;
  for (const c of src) {
    if (escaped) {
      word = (word ?? '') + c;
      escaped = false;
    } else if (quote !== null) {
      if (c === quote) quote = null;
      else word = (word ?? '') + c;
    } else if (c === '\\') {
      escaped = true;
      word ??= '';
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * A launch command as the shell runs it: leading `NAME=value` words are the environment, the
 * words after the script (the first word ending in `.py`) are its argv.
 */
export function parseLaunchCommand(text: string): {
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
} {
  const words = shellWords(text);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const m = ENV_ASSIGNMENT.exec(words[i] ?? '');
    if (m === null) break;
    env[m[1] ?? ''] = m[2] ?? '';
  }
  const script = words.findIndex((w, k) => k >= i && w.endsWith('.py'));
  return { env, argv: script < 0 ? [] : words.slice(script + 1) };
}
