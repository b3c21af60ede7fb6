/**
 * Candidate generation (STYLE.md: "generate candidates in enumerate.ts, filter, then evaluate").
 * Generates only valid factorisations of the world size and the global batch; candidates the
 * model or the user's constraints rule out are counted by reason, not silently skipped.
 */
import type { ModelGraph } from '../graph/index.js';
import type {
  Framework,
  RecomputeMode,
  ScheduleKind,
  ShapeBoundInput,
  StatesBoundInput,
  Strategy,
  ZeroStage,
} from '../costmodel/index.js';
import { inexpressible } from '../plan/index.js';
import { contextParallelDegrees, expertLayouts } from './folded-axes.js';
import { allowed } from './constraints.js';
import {
  NO_PIPELINE,
  pipelineShapes,
  SEQUENCE_SLICE_CHOICES,
  withMemoisedSplits,
} from './pipeline-shapes.js';
import type { RejectionCounts, SearchConstraints } from './types.js';

export const RECOMPUTE_MODES: readonly RecomputeMode[] = ['none', 'selective', 'full'];

/**
 * Sequence-parallel choices: with tp > 1, SP moves the same bytes as plain TP (all-gather +
 * reduce-scatter instead of all-reduce) while dividing norm/dropout work and their activations by
 * tp (Korthikanti et al. 2022 §4.2.2), so SP-off is dominated and only tried when pinned.
 * DeepSpeed has no Megatron-style SP (see plan/expressible.ts), so there SP-on is the one left out.
 */
function sequenceParallelChoices(
  x: EnumerationInput,
  tp: number,
  rejected: RejectionCounts,
): boolean[] {
  if (tp === 1) return allowed(x.constraints.sequenceParallel, false) ? [false] : [];
  if (x.constraints.sequenceParallel !== undefined) return [...x.constraints.sequenceParallel];
  if (x.framework === 'deepspeed') {
    countRejection(rejected, 'deepspeed-no-sequence-parallel');
    return [false];
  }
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

export function countRejection(rejected: RejectionCounts, reason: string, by = 1): void {
  rejected[reason] = (rejected[reason] ?? 0) + by;
}

export interface EnumerationInput {
  readonly graph: ModelGraph;
  readonly worldSize: number;
  readonly gpusPerNode: number;
  readonly globalBatchSize: number;
  readonly sequenceLength: number;
  readonly framework: Framework;
  readonly constraints: SearchConstraints;
  /** DeepSpeed's own layer split by stage count, memoised for the whole request. */
  readonly deepspeedSplit: (stages: number) => readonly number[];
  /**
   * True: skip every candidate of this shape (tp, cp, pp, micro-batching) at once, whatever the
   * inner loops would pick from the choices it lists (a sub-cluster search whose shape bound
   * already reaches the incumbent: costmodel/bounds.ts createShapeBound). The callback counts
   * what it skips.
   */
  readonly skipShape?: (shape: ShapeBoundInput) => boolean;
  /**
   * True: skip every candidate of (tp, cp, pp, dp) at once: their model states cannot fit
   * whatever ZeRO stage and expert layout the inner loops pick (costmodel/memory-bound.ts
   * statesCannotFit). The callback counts what it skips.
   */
  readonly skipStates?: (prefix: StatesBoundInput) => boolean;
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

/**
 * ZeRO stages each framework can run (so every plan is executable as emitted):
 *  - megatron: 0 or the distributed optimizer (ZeRO-1) — Megatron-LM has no ZeRO-2/3;
 *  - deepspeed: 0–3 without pipelining, 0–1 with it (PipelineEngine asserts ZeRO < 2);
 *  - fsdp: DDP (0), SHARD_GRAD_OP (2) or FULL_SHARD (3) — FSDP has no optimizer-only sharding.
 * With dp = 1 there is nothing to shard: 0.
 */
function zeroStages(x: EnumerationInput, pp: number, dp: number): ZeroStage[] {
  const byFramework: Record<Framework, readonly ZeroStage[]> = {
    megatron: [0, 1],
    deepspeed: pp === 1 ? [0, 1, 2, 3] : [0, 1],
    fsdp: [0, 2, 3],
  };
  const stages: readonly ZeroStage[] = dp === 1 ? [0] : byFramework[x.framework];
  return stages.filter((z) => allowed(x.constraints.zeroStage, z));
}

/**
 * Shard-group sizes for a sharded FSDP candidate: all of dp, and HSDP with the shard group inside
 * one node (the DP ranks a node holds, gpusPerNode / (tp·cp)) replicated across nodes — the layout
 * FSDP's paper recommends to keep the per-layer gathers on NVLink (Zhao et al. 2023 §3.2.2).
 * Other frameworks and unsharded stages: dp only.
 */
function shardGroupSizes(
  x: EnumerationInput,
  tpTimesCp: number,
  dp: number,
  zero: ZeroStage,
): number[] {
  if (x.framework !== 'fsdp' || zero < 2) return [dp];
  const inNode = Math.floor(x.gpusPerNode / tpTimesCp);
  const sizes = inNode > 1 && inNode < dp && dp % inNode === 0 ? [dp, inNode] : [dp];
  return sizes.filter((size) => allowed(x.constraints.dpShard, size));
}

/** Fields of a Strategy the user can pin through SearchConstraints. */
const PINNABLE: Partial<Record<keyof Strategy, keyof SearchConstraints>> = {
  schedule: 'schedule',
  virtualStages: 'virtualStages',
  sequenceParallel: 'sequenceParallel',
  recompute: 'recompute',
  recomputeLayers: 'recomputeLayers',
};

/**
 * The rejection reason for a candidate the framework's export would not reproduce exactly, or
 * null. A value the user pinned is their explicit choice and is kept (the export's notes say what
 * differs; validation/ pins published runs of framework forks this way); what the search picks
 * on its own must be exact.
 */
function exactnessFilter(x: EnumerationInput): (s: Strategy) => string | null {
  const numLayers = x.graph.spec.numLayers;
  return (s) => {
    const found = inexpressible(x.framework, s, numLayers, x.deepspeedSplit);
    if (found === null) return null;
    const pin = PINNABLE[found.field];
    return pin !== undefined && x.constraints[pin] !== undefined ? null : found.reason;
  };
}

/** Sequence slices a shape's candidates may use: 1, and seq-slice-1f1b's when it is tried. */
function slicesTried(
  x: EnumerationInput,
  schedules: readonly ScheduleKind[],
  pp: number,
): number[] {
  const sliced =
    pp > 1 &&
    schedules.includes('seq-slice-1f1b') &&
    allowed(x.constraints.schedule, 'seq-slice-1f1b');
  if (!sliced) return [1];
  return [1, ...SEQUENCE_SLICE_CHOICES.filter((k) => x.sequenceLength % k === 0)];
}

/**
 * The K/V exchange a candidate names: fsdp's context parallelism is PyTorch context_parallel's
 * all-gather rotation (its default); Megatron's default (p2p) is left implicit.
 */
function contextParallelComm(x: EnumerationInput, cp: number): Pick<Strategy, 'cpComm'> {
  return cp > 1 && x.framework === 'fsdp' ? { cpComm: 'all-gather' } : {};
}

/** Asks input.skipShape (when given) about one shape, with every inner choice listed. */
function skipsShape(
  x: EnumerationInput,
  schedules: readonly ScheduleKind[],
  shape: Pick<Strategy, 'tp' | 'cp' | 'pp' | 'dp' | 'microBatchSize' | 'numMicroBatches'>,
): boolean {
  if (x.skipShape === undefined) return false;
  return x.skipShape({
    tp: shape.tp,
    cp: shape.cp,
    pp: shape.pp,
    microBatchSize: shape.microBatchSize,
    numMicroBatches: shape.numMicroBatches,
    // A throwaway count: the inner loop counts SP rejections for the candidates it yields.
    sequenceParallel: sequenceParallelChoices(x, shape.tp, {}),
    expertLayouts: expertLayouts(
      x,
      shape.tp,
      shape.tp * shape.cp * shape.dp,
      divisors(x.worldSize),
    ),
    sequenceSlices: slicesTried(x, schedules, shape.pp),
    ...contextParallelComm(x, shape.cp),
    // interleavedShapes: only when the micro-batches fill whole rounds of pp.
    schedules: schedules.filter(
      (k) =>
        allowed(x.constraints.schedule, k) &&
        (k !== 'interleaved-1f1b' || shape.numMicroBatches % shape.pp === 0),
    ),
  });
}

/**
 * Every candidate strategy for the inputs, in a fixed order (deterministic). Only strategies the
 * framework's exported launch config reproduces exactly are yielded (plan/expressible.ts), unless
 * the user pinned the value at fault; the others are counted under their reason (issue #16).
 * @param schedules the pipeline schedules to consider when pp > 1
 */
export function* enumerateStrategies(
  input: EnumerationInput,
  schedules: readonly ScheduleKind[],
  rejected: RejectionCounts,
): Generator<Strategy> {
  const x = withMemoisedSplits(input);
  const exactness = exactnessFilter(x);
  const degrees = divisors(x.worldSize);
  for (const tp of tensorParallelDegrees(x, rejected)) {
    for (const cp of contextParallelDegrees(x, x.worldSize / tp, degrees, rejected)) {
      for (const pp of divisors(x.worldSize / (tp * cp))) {
        if (!allowed(x.constraints.pp, pp)) continue;
        if (pp > x.graph.spec.numLayers) {
          countRejection(rejected, 'pp-exceeds-layers');
          continue;
        }
        const dp = x.worldSize / (tp * cp * pp);
        if (!allowed(x.constraints.dp, dp)) continue;
        if (x.globalBatchSize % dp !== 0) {
          countRejection(rejected, 'batch-not-divisible-by-dp');
          continue;
        }
        if (
          x.skipStates?.({
            tp,
            cp,
            pp,
            dp,
            zeroStages: zeroStages(x, pp, dp),
            expertLayouts: expertLayouts(x, tp, tp * cp * dp, degrees),
          }) === true
        )
          continue;
        for (const microBatchSize of divisors(x.globalBatchSize / dp)) {
          if (!allowed(x.constraints.microBatchSize, microBatchSize)) continue;
          const numMicroBatches = x.globalBatchSize / (dp * microBatchSize);
          if (skipsShape(x, schedules, { tp, cp, pp, dp, microBatchSize, numMicroBatches }))
            continue;
          // Without pipelining there is no schedule choice; it is reported as '1f1b'.
          const shapes =
            pp === 1
              ? allowed(x.constraints.virtualStages, 1)
                ? [NO_PIPELINE]
                : []
              : pipelineShapes(x, pp, numMicroBatches, schedules, x.sequenceLength);
          for (const shape of shapes) {
            for (const sequenceParallel of sequenceParallelChoices(x, tp, rejected)) {
              for (const recompute of RECOMPUTE_MODES) {
                if (!allowed(x.constraints.recompute, recompute)) continue;
                for (const zeroStage of zeroStages(x, pp, dp)) {
                  for (const recomputeLayers of recompute === 'full'
                    ? (x.constraints.recomputeLayers ?? [null])
                    : [null]) {
                    for (const [ep, etp] of expertLayouts(x, tp, tp * cp * dp, degrees)) {
                      const candidate: Strategy = {
                        dp,
                        tp,
                        pp,
                        cp,
                        ...contextParallelComm(x, cp),
                        ...(ep > 1 ? { ep } : {}),
                        ...(etp > 1 ? { etp } : {}),
                        microBatchSize,
                        numMicroBatches,
                        sequenceParallel,
                        recompute,
                        recomputeLayers,
                        zeroStage,
                        ...shape,
                      };
                      const reason = exactness(candidate);
                      if (reason !== null) {
                        countRejection(rejected, reason);
                        continue;
                      }
                      for (const dpShard of shardGroupSizes(x, tp * cp, dp, zeroStage)) {
                        if (dpShard === dp) {
                          yield candidate;
                          continue;
                        }
                        // Only torchtitan's EP rule reads the shard group (dp_shard·cp·tp).
                        const hybrid = { ...candidate, dpShard };
                        const hsdpReason = ep > 1 ? exactness(hybrid) : null;
                        if (hsdpReason === null) yield hybrid;
                        else countRejection(rejected, hsdpReason);
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
