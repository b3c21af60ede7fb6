/**
 * Memory half of the estimate: per-rank parameters and peak bytes, computable without any timing
 * so that the search can reject strategies that do not fit before it times them.
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import type { EstimateCacheScope } from './estimate-cache.js';
import { memoised } from './estimate-cache.js';
import { chunkParametersPerGpu } from './parameters.js';
import { closedFormPipeline } from './pipeline.js';
import type { RankLayout } from './rank-memory.js';
import type { RankMemoryParts } from './rank-memory.js';
import {
  rankMemoryFromParts,
  rankMemoryParts,
  rankPeakBytesFromParts,
  totalBytes,
} from './rank-memory.js';
import { cachedActivationTerms, cachedParameterShares, memoryInputs } from './stage-cost-model.js';
import { chunkLayouts, chunksByRank, chunksSignature } from './stages.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import type { MemoryBreakdownBytes } from './types.js';
import { validateStrategy } from './validate-strategy.js';
import { checkPrecisionSupported } from './fp8.js';
import { expertDegrees } from './strategy.js';

export interface MemoryEstimate {
  readonly ranks: readonly RankLayout[];
  readonly memories: readonly MemoryBreakdownBytes[];
  readonly peaks: readonly number[];
  readonly peakBytes: number;
  /** Peak ≤ usable capacity = (1 − memoryHeadroomFraction) × device memory. */
  readonly fits: boolean;
  /** (1 − memoryHeadroomFraction) × device memory, bytes. */
  readonly usableBytes: number;
}

/** Validates the strategy, lays out the pipeline and counts parameters per rank. */
export function rankLayouts(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  scope?: EstimateCacheScope,
): RankLayout[] {
  validateStrategy(graph.spec, worldSize(cluster), training, s);
  checkPrecisionSupported(cluster.device, training.precision);
  if (scope === undefined) return layoutRanks(graph, s, scope);
  // Everything the layout reads of the strategy (stages.ts chunkLayouts, chunkRank; the shares).
  const key = `${s.pp}|${s.virtualStages}|${s.schedule === 'zb-v'}|${s.layersPerStage?.join('.') ?? 'even'}|${s.tp}|${s.cp}|${s.dp}|${s.ep ?? 1}|${s.etp ?? 1}`;
  return memoised(scope.rankLayouts, key, () => layoutRanks(graph, s, scope));
}

function layoutRanks(graph: ModelGraph, s: Strategy, scope?: EstimateCacheScope): RankLayout[] {
  const chunks = chunkLayouts(s, graph.spec.numLayers, graph.moeLayerMask, graph.mtpLayerMask);
  const shares = cachedParameterShares(graph, s.tp, scope, expertDegrees(s));
  return chunksByRank(chunks, s.pp).map((rankChunks) => ({
    chunks: rankChunks,
    signature: chunksSignature(rankChunks),
    parametersPerGpu: rankChunks.reduce(
      (sum, c) => sum + chunkParametersPerGpu(c, shares, chunks.length),
      0,
    ),
    fsdpUnits: rankChunks.reduce(
      (sum, c) => sum + c.layers + (c.hasEmbedding ? 1 : 0) + (c.hasLmHead ? 1 : 0),
      0,
    ),
  }));
}

/**
 * Peak memory per rank for given in-flight micro-batch counts; by default the schedule's closed
 * form (in-flight counts are structural: they do not depend on stage durations).
 */
export function estimateMemory(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  ranks: readonly RankLayout[] = rankLayouts(graph, cluster, s, training),
  inFlight: readonly number[] = closedFormInFlight(s),
  scope?: EstimateCacheScope,
): MemoryEstimate {
  const inputs = memoryInputs(graph, cluster, s, training, scope);
  const terms = cachedActivationTerms(inputs, scope);
  // Ranks holding the same chunks share everything but their in-flight count.
  const parts = new Map<string, RankMemoryParts>();
  const memories = ranks.map((r, i) => {
    const key = r.signature ?? chunksSignature(r.chunks);
    const shared = memoised(parts, key, () =>
      rankMemoryParts(r.chunks, r.parametersPerGpu, inputs, terms),
    );
    return rankMemoryFromParts(shared, inFlight[i] ?? 1, inputs, terms);
  });
  const peaks = memories.map(totalBytes);
  const peakBytes = Math.max(...peaks);
  const usableBytes = usableMemoryBytes(cluster, training);
  return { ranks, memories, peaks, peakBytes, fits: peakBytes <= usableBytes, usableBytes };
}

/**
 * estimateMemory(...).fits with the closed-form in-flight counts, without building the per-rank
 * breakdowns: the search's memory check, run before any timing. Same terms, same comparison.
 */
export function fitsInMemory(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  scope?: EstimateCacheScope,
): boolean {
  const ranks = rankLayouts(graph, cluster, s, training, scope);
  const inFlight = closedFormInFlight(s);
  const inputs = memoryInputs(graph, cluster, s, training, scope);
  const terms = cachedActivationTerms(inputs, scope);
  const usableBytes = usableMemoryBytes(cluster, training);
  const parts = new Map<string, RankMemoryParts>();
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    if (r === undefined) continue;
    const shared = memoised(parts, r.signature ?? chunksSignature(r.chunks), () =>
      rankMemoryParts(r.chunks, r.parametersPerGpu, inputs, terms),
    );
    // Written as !(≤) so that a NaN peak does not fit, as Math.max(...) ≤ usable would say.
    if (!(rankPeakBytesFromParts(shared, inFlight[i] ?? 1, inputs, terms) <= usableBytes)) {
      return false;
    }
  }
  return true;
}

/** In-flight micro-batches per rank of the schedule's closed form (no stage costs needed). */
export function closedFormInFlight(s: Strategy): readonly number[] {
  const zero = { forward: 0, backwardInput: 0, backwardWeight: 0 };
  return closedFormPipeline({
    schedule: s.schedule,
    pp: s.pp,
    virtualStages: s.virtualStages,
    numMicroBatches: s.numMicroBatches,
    slices: s.sequenceSlices,
    ranks: Array.from({ length: s.pp }, () => zero),
    chunks: [],
  }).inFlightMicroBatches;
}

/** The share of a GPU's memory a plan may fill: all but training.memoryHeadroomFraction. */
export function usableMemoryBytes(cluster: ClusterProfile, training: TrainingConfig): number {
  return cluster.device.memoryBytes * (1 - training.memoryHeadroomFraction);
}
