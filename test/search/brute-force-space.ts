/**
 * The pieces both brute-force optimality tests (brute-force.test.ts, brute-force-moe-cp.test.ts)
 * walk and price, written independently of src/search/enumerate.ts: micro-batchings, pipeline
 * layouts (schedule, chunks, every layer split) and one strategy priced by estimate() alone.
 */
import { estimate, PlanningError } from '../../src/costmodel/index.js';
import type { ScheduleKind, Strategy, TrainingConfig } from '../../src/costmodel/index.js';
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
