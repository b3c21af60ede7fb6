/**
 * A memo of the parts of an estimate that depend on a few strategy fields only, so that a search
 * pricing thousands of strategies computes them once (issue #13). Owned by its caller — one
 * planning call creates one and drops it when it answers — never module state (STYLE.md §2).
 *
 * What is memoised, and the fields that fix it (graph, cluster and training are the scope):
 *  - per-layer, embedding-side and head-side op times and one TP collective (`LayerCosts`):
 *    tp, micro-batch size, sequence parallelism, sequence slices (stage-time.ts layerCosts reads
 *    nothing else of the strategy: the TP group is placed from tp and the node size);
 *  - activation terms of one layer (rank-memory.ts activationTerms): tp, micro-batch size,
 *    sequence parallelism, recompute mode;
 *  - per-TP-rank parameter counts (parameters.ts parameterShares): tp;
 *  - data-parallel collective times of one rank (data-parallel.ts dataParallelCommSeconds): its
 *    parameters and units, dp, tp (the group's placement), ZeRO stage and pp;
 *  - pipeline ranks' chunks and parameter counts (estimate-memory.ts rankLayouts, after the
 *    strategy is validated): pp, chunks per rank, the V placement, the layer split, tp, cp, dp, ep,
 *    etp.
 * A scope is keyed by the identities of the graph, the cluster and the training config: they are
 * read-only values, so the same objects always price the same.
 * Performance only: every value is the one the uncached call returns (the same function on the
 * same inputs), so estimates are bit-identical with and without a cache.
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import type { DataParallelCommSeconds } from './data-parallel.js';
import type { RankLayout } from './rank-memory.js';
import type { ParameterShares } from './parameters.js';
import type { ActivationTerms } from './rank-memory.js';
import type { ChunkTimeSeconds, LayerCosts } from './stage-time.js';
import type { ChunkLayout } from './stages.js';
import type { TrainingConfig } from './strategy.js';

/** Memo tables of one (graph, cluster, training) scope; values are never mutated once stored. */
export interface EstimateCacheScope {
  readonly layerCosts: Map<string, LayerCosts>;
  readonly activationTerms: Map<string, ActivationTerms>;
  readonly parameterShares: Map<string, ParameterShares>;
  readonly dataParallelComm: Map<string, DataParallelCommSeconds>;
  readonly rankLayouts: Map<string, RankLayout[]>;
}

/** One planning call's memo. Create with createEstimateCache; pass as EstimateOptions.cache. */
export interface EstimateCache {
  readonly scopes: WeakMap<
    ModelGraph,
    WeakMap<ClusterProfile, WeakMap<TrainingConfig, EstimateCacheScope>>
  >;
}

export function createEstimateCache(): EstimateCache {
  return { scopes: new WeakMap() };
}

/** The memo tables for one (graph, cluster, training), created on first use. */
export function cacheScope(
  cache: EstimateCache,
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
): EstimateCacheScope {
  let byCluster = cache.scopes.get(graph);
  if (byCluster === undefined) {
    byCluster = new WeakMap();
    cache.scopes.set(graph, byCluster);
  }
  let byTraining = byCluster.get(cluster);
  if (byTraining === undefined) {
    byTraining = new WeakMap();
    byCluster.set(cluster, byTraining);
  }
  let scope = byTraining.get(training);
  if (scope === undefined) {
    scope = {
      layerCosts: new Map(),
      activationTerms: new Map(),
      parameterShares: new Map(),
      dataParallelComm: new Map(),
      rankLayouts: new Map(),
    };
    byTraining.set(training, scope);
  }
  return scope;
}

/** The value stored under `key`, computing and storing it on a miss. */
export function memoised<K, V>(table: Map<K, V>, key: K, compute: () => V): V {
  const found = table.get(key);
  if (found !== undefined) return found;
  const value = compute();
  table.set(key, value);
  return value;
}

/**
 * Chunk times memoised by (layers, MoE layers, embedding, head): every other input is the
 * model's own. A chunk of an MoE model with dense-first layers costs by its MoE layer count.
 */
export function chunkSecondsMemo(
  compute: (chunk: ChunkLayout) => ChunkTimeSeconds,
): (chunk: ChunkLayout) => ChunkTimeSeconds {
  // One table per (embedding, head) pair, keyed by the chunk's layer and MoE layer counts.
  const tables = [0, 1, 2, 3].map(() => new Map<number, ChunkTimeSeconds>());
  return (chunk) => {
    const table = tables[(chunk.hasEmbedding ? 2 : 0) + (chunk.hasLmHead ? 1 : 0)];
    if (table === undefined) return compute(chunk);
    // moeLayers ≤ layers < 2^20: one number keys both (-1 when the chunk does not say).
    const key = chunk.layers * 2 ** 20 + (chunk.moeLayers ?? -1) + 1;
    return memoised(table, key, () => compute(chunk));
  };
}
