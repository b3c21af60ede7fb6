/**
 * POST /v1/estimates on the event loop, fast (issue #17: 190 req/s on 2 cores before). Profiling
 * one estimate (llama3-8b on 16 H100): mapping the model to its operator graph took 4–13 ms of
 * the 4–13 ms, the cost model itself 0.3–0.4 ms. The mapped graph depends only on the model input
 * and the sequence length, and the cluster profile only on the cluster input, so both are kept in
 * small LRU maps keyed by the canonical JSON of that part of the request. The cost model is
 * called exactly as before with the same inputs, so every number is identical; only the
 * mapping is reused. Inputs that fail to map are not kept (the error is thrown again).
 */
import { canonicalJson } from '../base/index.js';
import type { EstimateRequest, EstimateResponse } from '../contract/index.js';
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile, ProfileCatalog } from '../hardware-profiles/index.js';
import type { EstimateInputMemo } from './map-request.js';
import { toEstimateInputs } from './map-request.js';
import { runEstimate } from './plan-service.js';

/** Distinct models × sequence lengths kept (a graph is tens of kilobytes). */
const GRAPHS_KEPT = 64;
/** Distinct cluster inputs kept. */
const CLUSTERS_KEPT = 64;
/** Model inputs larger than this (a big inline config) are mapped every time, not kept. */
const MAX_KEY_CHARS = 64 * 1024;

/** A least-recently-used map over insertion order. */
function lru<V>(capacity: number) {
  const entries = new Map<string, V>();
  return (key: string, make: () => V): V => {
    const hit = entries.get(key);
    if (hit !== undefined) {
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    }
    const value = make();
    if (key.length > MAX_KEY_CHARS) return value;
    entries.set(key, value);
    if (entries.size > capacity) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    return value;
  };
}

export interface Estimator {
  estimate(request: EstimateRequest): EstimateResponse;
}

export function createEstimator(catalog: ProfileCatalog): Estimator {
  const graphs = lru<ModelGraph>(GRAPHS_KEPT);
  const clusters = lru<ClusterProfile>(CLUSTERS_KEPT);
  const memo: EstimateInputMemo = {
    graph: (request, sequenceLength, make) =>
      graphs(`${sequenceLength}|${canonicalJson(request.model)}`, make),
    cluster: (request, make) => clusters(canonicalJson(request.cluster), make),
  };
  return {
    estimate(request) {
      return runEstimate(catalog, request, toEstimateInputs(catalog, request, memo));
    },
  };
}
