/**
 * Plan ids and the plan cache (issues #7, #17). A plan's id is the SHA-256 hex of the canonical
 * JSON (sorted keys) of its normalised request: the same request always gets the same id, and the
 * planner is deterministic, so a cached response is the response.
 *
 * The cache is bounded in bytes, not entries: one top-50 answer can be 4-12 MB, and 256 of them
 * exhausted the JavaScript heap (issue #17's remote crash). Each entry is kept serialised, outside
 * the V8 heap: the response as its UTF-8 JSON (sent as is, never re-serialised on the event loop)
 * and the domain plans behind exports and schedules as a V8 structured-clone buffer, read back
 * only when GET /v1/plans/{id}/export or /schedule asks. The byte count is therefore exact.
 */
import { deserialize, serialize } from 'node:v8';
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import { contentHash } from '../base/index.js';
import { ApiError, LIMITS, SEARCH_DEFAULTS } from '../contract/index.js';
import { createByteBoundedLru } from './byte-bounded-lru.js';
import type {
  GraphPlanResponse,
  HeteroPlanResponse,
  PlanResponse,
  PlanRequest,
} from '../contract/index.js';

/**
 * What a plan request produced, tagged by kind: the API response and, for transformer plans,
 * the domain plans that exports and schedules are produced from (best first, then the
 * alternatives in response order; for heterogeneous plans each entry's homogeneous plan, or null
 * for a mixed plan) and the model they are for.
 */
export type PlanOutcome =
  | {
      readonly kind: 'transformer';
      readonly response: PlanResponse;
      readonly plans: readonly Plan[];
      readonly spec: TransformerSpec;
    }
  | {
      readonly kind: 'heterogeneous';
      readonly response: HeteroPlanResponse;
      readonly plans: readonly (Plan | null)[];
      readonly spec: TransformerSpec;
    }
  | { readonly kind: 'operator-graph'; readonly response: GraphPlanResponse };

/** The domain part of an outcome, kept for GET /v1/plans/{id}/export and /schedule. */
export type PlanDomain =
  | {
      readonly kind: 'transformer' | 'heterogeneous';
      readonly plans: readonly (Plan | null)[];
      readonly spec: TransformerSpec;
    }
  | { readonly kind: 'operator-graph' };

/** A PlanOutcome in bytes: what the cache keeps and what plan workers send back. */
export interface StoredPlanOutcome {
  /** The response as UTF-8 JSON. */
  readonly responseJson: Uint8Array;
  /** v8.serialize of the PlanDomain. */
  readonly domain: Uint8Array;
}

/** Serialise an outcome (in a plan worker, so the event loop never stringifies a big answer). */
export function storePlanOutcome(outcome: PlanOutcome): StoredPlanOutcome {
  const domain: PlanDomain =
    outcome.kind === 'operator-graph'
      ? { kind: outcome.kind }
      : { kind: outcome.kind, plans: outcome.plans, spec: outcome.spec };
  return {
    responseJson: Buffer.from(JSON.stringify(outcome.response), 'utf8'),
    domain: serialize(domain),
  };
}

/** The domain objects of a stored outcome. */
export function readPlanDomain(stored: StoredPlanOutcome): PlanDomain {
  return deserialize(stored.domain) as PlanDomain;
}

export function storedBytes(stored: StoredPlanOutcome): number {
  return stored.responseJson.byteLength + stored.domain.byteLength;
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
  get(id: string): StoredPlanOutcome | undefined;
  /** The outcome or a 404 naming `id`. */
  require(id: string): StoredPlanOutcome;
  /** Keeps the outcome unless it alone exceeds maxEntryBytes; evicts least recently used. */
  set(id: string, outcome: StoredPlanOutcome): void;
  readonly size: number;
  /** Bytes held by all entries (responses + domain buffers). */
  readonly bytes: number;
}

export interface PlanCacheOptions {
  /** Total bytes kept; default LIMITS.planCacheBytes. */
  readonly maxBytes?: number;
  /** Larger outcomes are answered but not kept; default a quarter of maxBytes. */
  readonly maxEntryBytes?: number;
}

/** Bytes to a short human figure for messages. */
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A byte-bounded LRU over a Map (insertion order = recency): get moves an entry to the back. */
export function createPlanCache(options: PlanCacheOptions = {}): PlanCache {
  const maxBytes = options.maxBytes ?? LIMITS.planCacheBytes;
  const maxEntryBytes = options.maxEntryBytes ?? Math.floor(maxBytes / 4);
  return createByteBoundedLru({
    sizeOfBytes: storedBytes,
    maxBytes,
    maxEntryBytes,
    notFound: (id) =>
      new ApiError(
        'NOT_FOUND',
        `no cached plan with id '${id}' (the most recent plans are kept, up to ${mib(maxBytes)}; POST /v1/plans again)`,
        { field: 'id', details: { id } },
      ),
  });
}
