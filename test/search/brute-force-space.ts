/**
 * The strategy space both brute-force optimality tests (brute-force.test.ts,
 * brute-force-moe-cp.test.ts) walk, written independently of src/search/enumerate.ts, and the
 * best of it by estimate() alone: every factorisation, micro-batching, pipeline layout (schedule,
 * chunks, every layer split), sequence parallelism, recompute and ZeRO stage.
 */
import { estimate, PlanningError } from '../../src/costmodel/index.js';
import type {
  RecomputeMode,
  ScheduleKind,
  Strategy,
  TrainingConfig,
  ZeroStage,
} from '../../src/costmodel/index.js';
import type { ModelGraph } from '../../src/graph/index.js';
import type { ClusterProfile } from '../../src/hardware-profiles/index.js';

/** All ways to write n as an ordered sum of k positive integers. */
export function compositions(n: number, k: number): number[][] {
  if (k === 1) return n >= 1 ? [[n]] : [];
  const out: number[][] = [];
  for (let first = 1; first <= n - (k - 1); first++) {
    for (const rest of compositions(n - first, k - 1)) out.push([first, ...rest]);
  }
  return out;
}

/** Each micro-batch size that splits the global batch evenly over `dp` replicas, in size order. */
export function microBatchings(
  globalBatchSize: number,
  dp: number,
): { microBatchSize: number; numMicroBatches: number }[] {
  const out: { microBatchSize: number; numMicroBatches: number }[] = [];
  for (let mbs = 1; mbs <= globalBatchSize; mbs++) {
    if (globalBatchSize % (dp * mbs) !== 0) continue;
    out.push({ microBatchSize: mbs, numMicroBatches: globalBatchSize / (dp * mbs) });
  }
  return out;
}

/** One pipeline layout: the schedule, its chunks per rank, and the layer split (null = even). */
export type PipelineLayout = Pick<Strategy, 'schedule' | 'virtualStages' | 'layersPerStage'>;

/**
 * Every layout of `layers` layers on `pp` ranks: 1F1B, and interleaved 1F1B with each chunk count
 * of `interleavedChunks` (pp > 1 only), each as long as pp·v ≤ layers, each with the even split
 * and then every composition of the layers into pp·v chunks.
 */
export function pipelineLayouts(
  pp: number,
  layers: number,
  interleavedChunks: readonly number[],
): PipelineLayout[] {
  const schedules: [ScheduleKind, number][] =
    pp === 1
      ? [['1f1b', 1]]
      : [
          ['1f1b', 1],
          ...interleavedChunks.map((v): [ScheduleKind, number] => ['interleaved-1f1b', v]),
        ];
  const out: PipelineLayout[] = [];
  for (const [schedule, v] of schedules) {
    if (pp * v > layers) continue;
    const splits: (number[] | null)[] =
      pp * v === 1 ? [null] : [null, ...compositions(layers, pp * v)];
    for (const layersPerStage of splits) out.push({ schedule, virtualStages: v, layersPerStage });
  }
  return out;
}

/** The step time estimate() gives `strategy` when it fits; null when it does not or is refused. */
export function fittingStepSeconds(
  graph: ModelGraph,
  cluster: ClusterProfile,
  strategy: Strategy,
  training: TrainingConfig,
): number | null {
  try {
    const e = estimate(graph, cluster, strategy, training);
    return e.fits ? e.stepTimeSeconds : null;
  } catch (error) {
    if (!(error instanceof PlanningError)) throw error;
    return null;
  }
}

/** The axes a brute force walks besides the factorisation and the micro-batching. */
export type BruteForceSpace = Readonly<{
  gpus: number;
  layers: number;
  globalBatchSize: number;
  /** Context-parallel degrees to try, in order (each must divide the GPUs with tp and pp). */
  contextDegrees: readonly number[];
  /** Chunks per rank of interleaved 1F1B (see pipelineLayouts). */
  interleavedChunks: readonly number[];
  sequenceParallel: (tp: number) => readonly boolean[];
  recompute: readonly (readonly [RecomputeMode, number | null])[];
  zeroStages: readonly ZeroStage[];
}>;

/**
 * Every strategy of `space` without expert parallelism, in a fixed order (tp, cp, pp, micro-batch,
 * layout, SP, recompute, ZeRO): dp is what tp·cp·pp leaves of the GPUs.
 */
export function* denseStrategies(space: BruteForceSpace): Generator<Strategy> {
  const { gpus } = space;
  for (let tp = 1; tp <= gpus; tp++)
    for (const cp of space.contextDegrees)
      for (let pp = 1; pp <= gpus; pp++) {
        if (gpus % (tp * cp * pp) !== 0) continue;
        const dp = gpus / (tp * cp * pp);
        for (const batching of microBatchings(space.globalBatchSize, dp))
          for (const layout of pipelineLayouts(pp, space.layers, space.interleavedChunks))
            for (const sequenceParallel of space.sequenceParallel(tp))
              for (const [recompute, recomputeLayers] of space.recompute)
                for (const zeroStage of space.zeroStages)
                  yield {
                    dp,
                    tp,
                    pp,
                    cp,
                    ...layout,
                    sequenceSlices: 1,
                    sequenceParallel,
                    ...batching,
                    recompute,
                    recomputeLayers,
                    zeroStage,
                  };
      }
}

/** The fastest of `strategies` that fits (the first of equals), with its step time; null if none. */
export function fastestFitting(
  graph: ModelGraph,
  cluster: ClusterProfile,
  strategies: Iterable<Strategy>,
  training: TrainingConfig,
): { strategy: Strategy; seconds: number } | null {
  let best: { strategy: Strategy; seconds: number } | null = null;
  for (const strategy of strategies) {
    const seconds = fittingStepSeconds(graph, cluster, strategy, training);
    if (seconds !== null && (best === null || seconds < best.seconds)) best = { strategy, seconds };
  }
  return best;
}
