/**
 * Worker-thread entry for POST /v1/plans and POST /v1/cluster-selections (started by
 * worker-pool.ts). Receives problems already mapped and validated on the main thread (plain data,
 * no API request, no catalog), solves them, and posts back the serialised answer or the
 * normalised error.
 */
import { parentPort } from 'node:worker_threads';
import { lowerWorkerThreadPriority } from './worker-priority.js';
import { solveClusterSelection } from './cluster-selection.js';
import { toApiError } from './normalise-error.js';
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
  }
}

async function handle(message: WorkerRequest): Promise<WorkerReply> {
  try {
    return { id: message.id, ok: true, result: await run(message.job) };
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
    };
  }
}

lowerWorkerThreadPriority();

/** The ArrayBuffers a reply can hand over without a copy (each owned whole by its view). */
function transferables(reply: WorkerReply): ArrayBuffer[] {
  if (!reply.ok || reply.result.kind === 'cluster-selection') return [];
  const buffers =
    reply.result.kind === 'plan'
      ? [reply.result.outcome.responseJson, reply.result.outcome.domain]
      : [reply.result.rendered.body];
  return buffers
    .filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
    .map((b) => b.buffer)
    .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

parentPort?.on('message', (message: WorkerRequest) => {
  void handle(message).then((reply) => parentPort?.postMessage(reply, transferables(reply)));
});
parentPort?.postMessage({ ready: true } satisfies WorkerReady);
