/**
 * A lower bound on a candidate's peak memory per GPU that costs a few multiplications, so the
 * search can reject candidates that cannot fit before queueing them (issue #14: on DeepSeek-V3
 * and Qwen3 almost every candidate the step bound let through failed the memory check).
 *
 * Built from the same terms estimate-memory.ts / rank-memory.ts sum, each kept whole or dropped:
 * for the first and the last pipeline rank (the most micro-batches in flight and the embedding;
 * the LM head and the tied head copy)
 *   peak_r ≥ (S_r + A_r) · (1 + fragmentation) + CUDA context + NCCL buffers
 * with S_r the rank's weights, gradients and optimizer states (dense parameters sharded over
 * dp·cp, routed experts over expert-DP: folded-states.ts) and A_r its in-flight activations plus
 * the backward working layer (or the logits). The framework working buffers are left out (≥ 0),
 * and the larger of the backward and optimizer phases is at least the backward phase without
 * them. So the bound is never above the peak estimate() reports (test/costmodel/memory-bound.test.ts).
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { usableMemoryBytes } from './estimate-memory.js';
import type { ActivationTerms } from './rank-memory.js';
import { activationTerms, runtimeBytes } from './rank-memory.js';
import { stateBytesPerParameter } from './model-states.js';
import type { ParameterShares } from './parameters.js';
import { chunkParameterSplit, parameterShares } from './parameters.js';
import { closedFormPipeline } from './pipeline.js';
import { memoryInputs } from './stage-cost-model.js';
import type { ChunkLayout } from './stages.js';
import { chunkRank } from './stages.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import { expertDegrees } from './strategy.js';

/**
 * Memoised lookups of one planning call (they depend on a few strategy fields only), keyed by
 * numbers where the fields allow: this runs for every enumerated candidate.
 */
interface BoundCaches {
  readonly shares: Map<number, ParameterShares>;
  readonly terms: Map<string, ActivationTerms>;
  readonly inFlight: Map<string, readonly number[]>;
}

/** Room per degree in a numeric key (tp · 2^32 + ep · 2^16 + etp stays an exact integer). */
const DEGREE_BITS = 65536;

function memo<K, T>(map: Map<K, T>, key: K, compute: () => T): T {
  const found = map.get(key);
  if (found !== undefined) return found;
  const value = compute();
  map.set(key, value);
  return value;
}

/** Layers of chunk k (even split, or the strategy's own); null when the split is invalid. */
function chunkSplit(s: Strategy, numLayers: number): readonly number[] | null {
  const chunks = s.pp * s.virtualStages;
  if (s.layersPerStage !== null)
    return s.layersPerStage.length === chunks ? s.layersPerStage : null;
  if (numLayers % chunks !== 0) return null;
  return Array.from({ length: chunks }, () => numLayers / chunks);
}

/** The chunks of pipeline rank r with their MoE layer counts (stages.ts chunkLayouts). */
function rankChunks(
  s: Strategy,
  split: readonly number[],
  moePrefix: readonly number[],
  r: number,
): ChunkLayout[] {
  const out: ChunkLayout[] = [];
  let first = 0;
  split.forEach((layers, index) => {
    if (chunkRank(s, index) === r) {
      out.push({
        index,
        rank: r,
        layers,
        hasEmbedding: index === 0,
        hasLmHead: index === split.length - 1,
        moeLayers: (moePrefix[first + layers] ?? 0) - (moePrefix[first] ?? 0),
      });
    }
    first += layers;
  });
  return out;
}

/** Weights + gradients + optimizer bytes of a rank (folded-states.ts foldedModelStateBytes). */
function stateBytes(
  s: Strategy,
  training: TrainingConfig,
  parameters: number,
  experts: number,
): number {
  const perParameter = (d: number): number => {
    const b = stateBytesPerParameter(
      training.framework,
      training.precision,
      s.zeroStage,
      Math.max(1, d),
      training.gradientReduceInFp32 ?? true,
    );
    return b.weights + b.gradients + b.optimizer;
  };
  const dense = (parameters - experts) * perParameter((s.dpShard ?? s.dp) * s.cp);
  if (experts === 0) return dense;
  return dense + experts * perParameter(Math.round(expertDegrees(s).edp));
}

/** Activations of one micro-batch through the rank's chunks (rank-memory.ts). */
function perMicroBatchBytes(s: Strategy, chunks: readonly ChunkLayout[], t: ActivationTerms) {
  let bytes = 0;
  for (const c of chunks) {
    const recomputed =
      s.recompute === 'full' ? Math.min(c.layers, s.recomputeLayers ?? c.layers) : 0;
    bytes += recomputed * t.checkpointedPerLayer + (c.layers - recomputed) * t.storedPerLayer;
    if (c.hasEmbedding) bytes += t.embedding;
  }
  return bytes;
}

/**
 * Create the bound for one planning call: (strategy) ↦ lower bound on its peak bytes per GPU,
 * and `cannotFit`, true when that bound already exceeds the usable memory.
 */
export function createMemoryBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
): { readonly peakBytes: (s: Strategy) => number; readonly cannotFit: (s: Strategy) => boolean } {
  const caches: BoundCaches = { shares: new Map(), terms: new Map(), inFlight: new Map() };
  const moePrefix = [0];
  for (const moe of graph.moeLayerMask) moePrefix.push((moePrefix.at(-1) ?? 0) + (moe ? 1 : 0));
  const usable = usableMemoryBytes(cluster, training);
  const peakBytes = (s: Strategy): number => {
    const split = chunkSplit(s, graph.spec.numLayers);
    if (split === null) return 0;
    const { ep, etp } = expertDegrees(s);
    const shares = memo(caches.shares, (s.tp * DEGREE_BITS + ep) * DEGREE_BITS + etp, () =>
      parameterShares(graph, s.tp, { ep, etp }),
    );
    const terms = memo(
      caches.terms,
      `${s.tp}|${s.microBatchSize}|${s.sequenceParallel}|${s.recompute}|${s.cp}|${s.recomputeModules?.join(',') ?? ''}`,
      () => activationTerms(memoryInputs(graph, cluster, s, training)),
    );
    const inFlight = memo(
      caches.inFlight,
      `${s.schedule}|${s.pp}|${s.virtualStages}|${s.numMicroBatches}|${s.sequenceSlices}`,
      () => closedFormInFlight(s),
    );
    let peak = 0;
    for (const r of s.pp === 1 ? [0] : [0, s.pp - 1]) {
      const chunks = rankChunks(s, split, moePrefix, r);
      let parameters = 0;
      let experts = 0;
      let holdsHead = false;
      for (const c of chunks) {
        const part = chunkParameterSplit(c, shares, split.length, c.moeLayers ?? 0);
        parameters += part.total;
        experts += part.experts;
        holdsHead ||= c.hasLmHead;
      }
      const activations =
        (inFlight[r] ?? 1) * perMicroBatchBytes(s, chunks, terms) +
        Math.max(holdsHead ? terms.logits : 0, terms.workingLayer);
      const allocated = stateBytes(s, training, parameters, experts) + activations;
      peak = Math.max(peak, allocated + runtimeBytes(cluster.device.runtimeMemory, s, allocated));
    }
    return peak;
  };
  // A NaN bound claims nothing (NaN > usable is false).
  return { peakBytes, cannotFit: (s) => peakBytes(s) > usable };
}

/** In-flight micro-batches per rank of the schedule's closed form (estimate-memory.ts). */
function closedFormInFlight(s: Strategy): readonly number[] {
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
