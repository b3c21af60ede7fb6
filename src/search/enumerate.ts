/**
 * Candidate generation (STYLE.md: "generate candidates in enumerate.ts, filter, then evaluate").
 * Generates only valid factorisations of the world size and the global batch; candidates the
 * model or the user's constraints rule out are counted by reason, not silently skipped.
 */
import type { ModelGraph } from '../graph/types.js';
import type { RecomputeMode, ScheduleKind, Strategy, ZeroStage } from '../costmodel/strategy.js';
import { balancedLayerSplit } from './layer-split.js';
import type { RejectionCounts, SearchConstraints } from './types.js';

export const RECOMPUTE_MODES: readonly RecomputeMode[] = ['none', 'selective', 'full'];

/** Largest chunk count per rank tried with an uneven layer split (see pipelineShapes). */
const MAX_UNEVEN_VIRTUAL_STAGES = 8;

/**
 * Sequence-parallel choices: with tp > 1, SP moves the same bytes as plain TP (all-gather +
 * reduce-scatter instead of all-reduce) while dividing norm/dropout work and their activations by
 * tp (Korthikanti et al. 2022 §4.2.2), so SP-off is dominated and only tried when pinned.
 */
function sequenceParallelChoices(x: EnumerationInput, tp: number, rejected: RejectionCounts): boolean[] {
  if (tp === 1) return allowed(x.constraints.sequenceParallel, false) ? [false] : [];
  if (x.constraints.sequenceParallel !== undefined) return [...x.constraints.sequenceParallel];
  countRejection(rejected, 'dominated-sequence-parallel-off');
  return [true];
}

/** Positive divisors of n in ascending order. */
export function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      small.push(d);
      if (d * d !== n) large.unshift(n / d);
    }
  }
  return [...small, ...large];
}

const allowed = <T>(values: readonly T[] | undefined, value: T): boolean =>
  values === undefined || values.includes(value);

export function countRejection(rejected: RejectionCounts, reason: string, by = 1): void {
  rejected[reason] = (rejected[reason] ?? 0) + by;
}

export interface EnumerationInput {
  readonly graph: ModelGraph;
  readonly worldSize: number;
  readonly gpusPerNode: number;
  readonly globalBatchSize: number;
  readonly constraints: SearchConstraints;
}

/** Tensor-parallel degrees: divide the world, stay inside a node, divide heads, KV heads and FFN. */
function tensorParallelDegrees(x: EnumerationInput, rejected: RejectionCounts): number[] {
  const spec = x.graph.spec;
  return divisors(x.worldSize).filter((tp) => {
    if (!allowed(x.constraints.tp, tp)) return false;
    if (tp > x.gpusPerNode) return (countRejection(rejected, 'tp-exceeds-node'), false);
    if (spec.numHeads % tp !== 0 || spec.numKvHeads % tp !== 0) {
      return (countRejection(rejected, 'heads-not-divisible'), false);
    }
    if (spec.ffnHiddenSize % tp !== 0)
      return (countRejection(rejected, 'ffn-not-divisible'), false);
    return true;
  });
}

/** LM-head (and embedding) cost in units of one transformer layer's forward FLOPs. */
function edgeCostInLayers(graph: ModelGraph): { embedding: number; head: number } {
  const flops = (ops: ModelGraph['ops']): number => ops.reduce((s, op) => s + op.forwardFlops, 0);
  const layer = flops(graph.layerOps);
  return { embedding: flops(graph.preOps) / layer, head: flops(graph.postOps) / layer };
}

/**
 * Layer splits tried per chunk count: the even split when it divides; the cost-balanced split
 * (fewer layers beside the LM head); and the "ends-light" split with one layer fewer on the
 * first and last chunk (the first holds the most in-flight activations in 1F1B, the last the
 * logits), as Megatron's --decoder-first/last-pipeline-num-layers are used in practice.
 */
function layerSplits(graph: ModelGraph, numChunks: number): (readonly number[] | null)[] {
  const layers = graph.spec.numLayers;
  if (numChunks > layers) return [];
  const edges = edgeCostInLayers(graph);
  const last = numChunks - 1;
  const withEdges = (first: number, final: number): number[] =>
    Array.from({ length: numChunks }, (_, i) => (i === 0 ? first : 0) + (i === last ? final : 0));
  const candidates: (readonly number[] | null)[] = [];
  const seen = new Set<string>();
  const add = (split: readonly number[] | null): void => {
    const key =
      split === null
        ? `even`
        : split.every((n) => n === layers / numChunks)
          ? 'even'
          : split.join('.');
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push(key === 'even' ? null : split);
  };
  if (layers % numChunks === 0) add(null);
  add(balancedLayerSplit(layers, withEdges(edges.embedding, edges.head)));
  if (numChunks >= 3) add(balancedLayerSplit(layers, withEdges(1, 1)));
  return candidates;
}

interface PipelineShape {
  readonly schedule: ScheduleKind;
  readonly virtualStages: number;
  readonly layersPerStage: readonly number[] | null;
}

function pipelineShapes(
  x: EnumerationInput,
  pp: number,
  numMicroBatches: number,
  schedules: readonly ScheduleKind[],
): PipelineShape[] {
  const shapes: PipelineShape[] = [];
  for (const schedule of schedules) {
    if (!allowed(x.constraints.schedule, schedule)) continue;
    if (schedule === 'interleaved-1f1b') {
      if (pp < 2 || numMicroBatches % pp !== 0) continue;
      for (let v = 2; v * pp <= x.graph.spec.numLayers; v++) {
        if (!allowed(x.constraints.virtualStages, v)) continue;
        // Beyond 8 chunks per rank only splits that divide evenly are tried unless v is pinned:
        // the bubble gain (p−1)/(v·m) flattens while p2p traffic grows linearly in v.
        const pinned = x.constraints.virtualStages !== undefined;
        if (!pinned && v > MAX_UNEVEN_VIRTUAL_STAGES && x.graph.spec.numLayers % (pp * v) !== 0) continue;
        for (const split of layerSplits(x.graph, pp * v))
          shapes.push({ schedule, virtualStages: v, layersPerStage: split });
      }
    } else if (allowed(x.constraints.virtualStages, 1)) {
      for (const split of layerSplits(x.graph, pp))
        shapes.push({ schedule, virtualStages: 1, layersPerStage: split });
    }
  }
  return shapes;
}

/** ZeRO stages per pipeline degree: stages 2–3 only without pipelining (DeepSpeed rejects ZeRO-2/3 with PP). */
function zeroStages(x: EnumerationInput, pp: number, dp: number): ZeroStage[] {
  const stages: ZeroStage[] = dp === 1 ? [0] : pp === 1 ? [0, 1, 2, 3] : [0, 1];
  return stages.filter((z) => allowed(x.constraints.zeroStage, z));
}

/**
 * Every candidate strategy for the inputs, in a fixed order (deterministic).
 * @param schedules the pipeline schedules to consider when pp > 1
 */
export function* enumerateStrategies(
  x: EnumerationInput,
  schedules: readonly ScheduleKind[],
  rejected: RejectionCounts,
): Generator<Strategy> {
  for (const tp of tensorParallelDegrees(x, rejected)) {
    for (const pp of divisors(x.worldSize / tp)) {
      if (!allowed(x.constraints.pp, pp)) continue;
      if (pp > x.graph.spec.numLayers) {
        countRejection(rejected, 'pp-exceeds-layers');
        continue;
      }
      const dp = x.worldSize / (tp * pp);
      if (!allowed(x.constraints.dp, dp)) continue;
      if (x.globalBatchSize % dp !== 0) {
        countRejection(rejected, 'batch-not-divisible-by-dp');
        continue;
      }
      for (const microBatchSize of divisors(x.globalBatchSize / dp)) {
        if (!allowed(x.constraints.microBatchSize, microBatchSize)) continue;
        const numMicroBatches = x.globalBatchSize / (dp * microBatchSize);
        // Without pipelining there is no schedule choice; it is reported as '1f1b'.
        const shapes =
          pp === 1
            ? allowed(x.constraints.virtualStages, 1)
              ? [{ schedule: '1f1b' as ScheduleKind, virtualStages: 1, layersPerStage: null }]
              : []
            : pipelineShapes(x, pp, numMicroBatches, schedules);
        for (const shape of shapes) {
          for (const sequenceParallel of sequenceParallelChoices(x, tp, rejected)) {
            for (const recompute of RECOMPUTE_MODES) {
              if (!allowed(x.constraints.recompute, recompute)) continue;
              for (const zeroStage of zeroStages(x, pp, dp)) {
                yield {
                  dp,
                  tp,
                  pp,
                  cp: 1,
                  microBatchSize,
                  numMicroBatches,
                  sequenceParallel,
                  recompute,
                  recomputeLayers: null,
                  zeroStage,
                  ...shape,
                };
              }
            }
          }
        }
      }
    }
  }
}
