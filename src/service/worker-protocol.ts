/** Messages between the main thread and plan workers (plain, structured-cloneable data). */
import type { ErrorCode, Issue } from '../contract/errors.js';
import type { StoredPlanOutcome } from './plan-cache.js';
import type {
  ClusterSelectionRequest,
  ClusterSelectionResponse,
  PlanRequest,
} from '../contract/schemas.js';

/** What a worker runs: a plan (POST /v1/plans) or a cluster selection. */
export type WorkerJob =
  | { readonly kind: 'plan'; readonly request: PlanRequest }
  | { readonly kind: 'cluster-selection'; readonly request: ClusterSelectionRequest };

export type WorkerResult =
  | { readonly kind: 'plan'; readonly outcome: StoredPlanOutcome }
  | { readonly kind: 'cluster-selection'; readonly response: ClusterSelectionResponse };

export interface WorkerRequest {
  readonly id: number;
  readonly job: WorkerJob;
}

export interface SerialisedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
  readonly issues?: Issue[];
  readonly details?: Record<string, unknown>;
  /** Stack of an INTERNAL error's cause, for the main thread's log; never sent to clients. */
  readonly stack?: string;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: WorkerResult }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError };
