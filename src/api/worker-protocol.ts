/** Messages between the main thread and plan workers (plain, structured-cloneable data). */
import type { ErrorCode, Issue } from './errors.js';
import type { PlanOutcome } from './plan-cache.js';
import type { PlanRequest } from './schemas.js';

export interface WorkerRequest {
  readonly id: number;
  readonly request: PlanRequest;
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
  | { readonly id: number; readonly ok: true; readonly outcome: PlanOutcome }
  | { readonly id: number; readonly ok: false; readonly error: SerialisedError };
