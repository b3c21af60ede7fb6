/** Messages between the main thread and plan workers (plain, structured-cloneable data). */
import type { RankMapPage } from './plan-renders.js';
import type {
  ClusterSelectionResponse,
  ErrorCode,
  ExportFormat,
  Issue,
  ScheduleFormat,
  ScheduleRequest,
} from '../contract/index.js';
import type { SelectionProblem } from './cluster-selection.js';
import type { StoredOnnxModel } from './onnx-models.js';
import type { StoredPlanOutcome } from './plan-cache.js';
import type { PlanProblem } from './plan-problem.js';
import type { RenderedBytes } from './plan-renders.js';

/** An export or schedule of a cached plan (its domain bytes), or POST /v1/schedules. */
export type RenderJob =
  | {
      readonly kind: 'plan-export';
      readonly domain: Uint8Array;
      readonly format: ExportFormat;
      readonly alternative: number | undefined;
      /** format=rankmap: the page of ranks (default the first LIMITS.rankMapRanks). */
      readonly page?: RankMapPage;
    }
  | {
      readonly kind: 'plan-schedule';
      readonly domain: Uint8Array;
      readonly format: ScheduleFormat;
      readonly alternative: number | undefined;
    }
  | {
      readonly kind: 'schedule';
      readonly request: ScheduleRequest;
      readonly format: ScheduleFormat;
    };

/**
 * What a worker runs: a prepared plan (POST /v1/plans) or cluster selection, never a request; a
 * render — an export or schedule of a cached plan (its domain bytes), or POST /v1/schedules; or
 * the read of an uploaded ONNX file (POST /v1/models/onnx).
 */
export type WorkerJob =
  | { readonly kind: 'plan'; readonly problem: PlanProblem }
  | { readonly kind: 'cluster-selection'; readonly problem: SelectionProblem }
  | RenderJob
  /** POST /v1/models/onnx: hash and read an uploaded file (its bytes transferred, not copied). */
  | { readonly kind: 'onnx-read'; readonly bytes: Uint8Array };

/** The buffers a job hands to its worker without a copy: an upload's bytes, when it owns them whole. */
export function jobTransferables(work: WorkerJob): ArrayBuffer[] {
  if (work.kind !== 'onnx-read') return [];
  const b = work.bytes;
  const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return whole && b.buffer instanceof ArrayBuffer ? [b.buffer] : [];
}

export type WorkerResult =
  | {
      readonly kind: 'plan';
      readonly outcome: StoredPlanOutcome;
      /** Candidates the search evaluated (for /metrics). */
      readonly candidates: number;
    }
  | { readonly kind: 'cluster-selection'; readonly response: ClusterSelectionResponse }
  | { readonly kind: 'rendered'; readonly rendered: RenderedBytes }
  | { readonly kind: 'onnx-read'; readonly stored: StoredOnnxModel };

export interface WorkerRequest {
  readonly id: number;
  readonly job: WorkerJob;
  /** The job's time limit, counted from when the worker receives it. */
  readonly timeLimitMilliseconds: number;
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

/** `heapBytes`: the worker's V8 heap after the job (committed), so the lane can recycle it. */
export type WorkerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly result: WorkerResult;
      readonly heapBytes: number;
    }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: SerialisedError;
      readonly heapBytes: number;
    };

/** A worker's first message, once its modules are loaded (readiness). */
export interface WorkerReady {
  readonly ready: true;
}

export type WorkerMessage = WorkerReply | WorkerReady;
