/** Messages between the main thread and plan workers (plain, structured-cloneable data). */
import type { ClusterSelectionResponse, ErrorCode, Issue } from '../contract/index.js';
import type { SelectionProblem } from './cluster-selection.js';
import type { StoredOnnxModel } from './onnx-models.js';
import type { StoredPlanOutcome } from './plan-cache.js';
import type { PlanProblem } from './plan-problem.js';

/** What a worker runs: a prepared plan (POST /v1/plans), a cluster selection or an ONNX upload. */
export type WorkerJob =
  | { readonly kind: 'plan'; readonly problem: PlanProblem }
  | { readonly kind: 'cluster-selection'; readonly problem: SelectionProblem }
  /** POST /v1/models/onnx: read an uploaded file (its bytes are transferred, not copied). */
  | { readonly kind: 'onnx-read'; readonly bytes: Uint8Array };

export type WorkerResult =
  | { readonly kind: 'plan'; readonly outcome: StoredPlanOutcome }
  | { readonly kind: 'cluster-selection'; readonly response: ClusterSelectionResponse }
  | { readonly kind: 'onnx-read'; readonly stored: StoredOnnxModel };

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
