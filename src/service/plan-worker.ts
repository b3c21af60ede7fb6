/**
 * Worker-thread entry for POST /v1/plans, POST /v1/cluster-selections, renders and POST
 * /v1/models/onnx (started by worker-pool.ts). Receives problems already mapped and validated on
 * the main thread (plain data, no API request, no catalog) or an uploaded file's bytes, solves or
 * reads them, and posts back the serialised answer or the normalised error.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { lowerWorkerThreadPriority } from './worker-priority.js';
import { solveClusterSelection } from './cluster-selection.js';
import { toApiError } from './normalise-error.js';
import { readUploadedModel } from './onnx-models.js';
import type { PlanOutcome } from './plan-cache.js';
import { storePlanOutcome } from './plan-cache.js';
import { renderPlanExport, renderPlanSchedule, renderRequestedSchedule } from './plan-renders.js';
import { solvePlan } from './plan-service.js';
import type {
  WorkerJob,
  WorkerReady,
  WorkerReply,
  WorkerRequest,
  WorkerResult,
} from './worker-protocol.js';

/** Candidates a plan evaluated, wherever its response keeps the count (transformer plans). */
function candidatesOf(outcome: PlanOutcome): number {
  const search: unknown = outcome.response.search;
  const count =
    typeof search === 'object' && search !== null && 'candidates' in search ? search.candidates : 0;
  return typeof count === 'number' ? count : 0;
}

async function run(job: WorkerJob): Promise<WorkerResult> {
  switch (job.kind) {
    case 'plan': {
      const outcome = await solvePlan(job.problem);
      // Serialised here, off the event loop; the bytes are transferred, not copied.
      return {
        kind: 'plan',
        outcome: storePlanOutcome(outcome),
        candidates: candidatesOf(outcome),
      };
    }
    case 'cluster-selection':
      return { kind: 'cluster-selection', response: solveClusterSelection(job.problem) };
    case 'plan-export':
      return {
        kind: 'rendered',
        rendered: renderPlanExport(job.domain, job.format, job.alternative, job.page),
      };
    case 'plan-schedule': {
      const rendered = renderPlanSchedule(job.domain, job.format, job.alternative);
      return { kind: 'rendered', rendered };
    }
    case 'schedule':
      return { kind: 'rendered', rendered: renderRequestedSchedule(job.request, job.format) };
    case 'onnx-read':
      return { kind: 'onnx-read', stored: readUploadedModel(job.bytes) };
  }
}

/** This worker's committed V8 heap: V8 keeps what a big search grew to, long after it ends. */
const heapBytes = (): number => getHeapStatistics().total_heap_size;

async function handle(message: WorkerRequest): Promise<WorkerReply> {
  try {
    const result = await run(message.job);
    return { id: message.id, ok: true, result, heapBytes: heapBytes() };
  } catch (error) {
    const apiError = toApiError(error);
    const cause: unknown = apiError.cause;
    return {
      id: message.id,
      ok: false,
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.field === undefined ? {} : { field: apiError.field }),
        ...(apiError.issues === undefined ? {} : { issues: [...apiError.issues] }),
        ...(apiError.details === undefined ? {} : { details: { ...apiError.details } }),
        ...(cause instanceof Error && cause.stack !== undefined ? { stack: cause.stack } : {}),
      },
      heapBytes: heapBytes(),
    };
  }
}

lowerWorkerThreadPriority();

/** The ArrayBuffers a reply can hand over without a copy (each owned whole by its view). */
function transferables(reply: WorkerReply): ArrayBuffer[] {
  if (!reply.ok || reply.result.kind === 'cluster-selection') return [];
  const result = reply.result;
  const buffers =
    result.kind === 'plan'
      ? [result.outcome.responseJson, result.outcome.domain]
      : result.kind === 'onnx-read'
        ? [result.stored.model]
        : [result.rendered.body];
  return buffers
    .filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
    .map((b) => b.buffer)
    .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

parentPort?.on('message', (message: WorkerRequest) => {
  void handle(message).then((reply) => parentPort?.postMessage(reply, transferables(reply)));
});
parentPort?.postMessage({ ready: true } satisfies WorkerReady);
