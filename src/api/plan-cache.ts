/**
 * Plan ids and the plan cache (issue #7). A plan's id is the SHA-256 hex of the canonical JSON
 * (sorted keys) of its normalised request: the same request always gets the same id, and the
 * planner is deterministic, so a cached response is the response. The cache is a small in-memory
 * LRU owned by one app instance (no module-level state): it keeps the API response and the
 * domain objects (Plans + TransformerSpec) that exports and schedules are produced from.
 */
import type { TransformerSpec } from '../graph/index.js';
import type { Plan } from '../plan/index.js';
import { contentHash } from '../studies/hash.js';
import { ApiError } from './errors.js';
import { LIMITS, SEARCH_DEFAULTS } from './limits.js';
import type { AnyPlanResponse } from './response-schemas.js';
import type { PlanRequest } from './schemas.js';

/** What a plan request produced: the response, and for transformers the domain plans. */
export interface PlanOutcome {
  readonly response: AnyPlanResponse;
  /**
   * best first, then the alternatives in response order; empty for operator graphs. For
   * heterogeneous plans, each entry's homogeneousPlan, or null where it is a mixed plan.
   */
  readonly plans: readonly (Plan | null)[];
  /** The model the plans are for; null for operator graphs. */
  readonly spec: TransformerSpec | null;
}

/** Defaults filled in and export formats sorted, so equivalent requests hash alike. */
export function normalisePlanRequest(request: PlanRequest): PlanRequest {
  const search = request.search ?? {};
  return {
    ...request,
    search: {
      objective: SEARCH_DEFAULTS.objective,
      topK: SEARCH_DEFAULTS.topK,
      maxCandidates: SEARCH_DEFAULTS.maxCandidates,
      ...search,
      ...(search.exports === undefined ? {} : { exports: [...new Set(search.exports)].sort() }),
    },
  };
}

export function planId(request: PlanRequest): string {
  return contentHash(normalisePlanRequest(request));
}

export interface PlanCache {
  get(id: string): PlanOutcome | undefined;
  /** The outcome or a 404 naming `id`. */
  require(id: string): PlanOutcome;
  set(id: string, outcome: PlanOutcome): void;
  readonly size: number;
}

/** An LRU over a Map (insertion order = recency): get moves an entry to the back. */
export function createPlanCache(capacity: number = LIMITS.planCacheEntries): PlanCache {
  const entries = new Map<string, PlanOutcome>();
  const get = (id: string): PlanOutcome | undefined => {
    const outcome = entries.get(id);
    if (outcome !== undefined) {
      entries.delete(id);
      entries.set(id, outcome);
    }
    return outcome;
  };
  return {
    get,
    require(id) {
      const outcome = get(id);
      if (outcome === undefined) {
        throw new ApiError(
          'NOT_FOUND',
          `no cached plan with id '${id}' (plans are kept for the last ${capacity} requests; POST /v1/plans again)`,
          { field: 'id', details: { id } },
        );
      }
      return outcome;
    },
    set(id, outcome) {
      entries.delete(id);
      entries.set(id, outcome);
      while (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
