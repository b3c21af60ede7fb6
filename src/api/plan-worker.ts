/**
 * Worker-thread entry for POST /v1/plans and POST /v1/cluster-selections (started by worker-pool.ts). Receives validated API
 * requests (plain data), maps and plans them here, and posts back the API response or the
 * normalised error. The catalog arrives once, structured-cloned, in workerData.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerWorkerThreadPriority } from '../worker-priority.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { runClusterSelection } from './cluster-selection.js';
import { toApiError } from './normalise-error.js';
import { runPlan } from './services.js';
import type { WorkerJob, WorkerReply, WorkerRequest, WorkerResult } from './worker-protocol.js';

const { catalog } = workerData as { catalog: ProfileCatalog };

async function run(job: WorkerJob): Promise<WorkerResult> {
  switch (job.kind) {
    case 'plan':
      return { kind: 'plan', outcome: await runPlan(catalog, job.request) };
    case 'cluster-selection':
      return { kind: 'cluster-selection', response: runClusterSelection(catalog, job.request) };
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

parentPort?.on('message', (message: WorkerRequest) => {
  void handle(message).then((reply) => parentPort?.postMessage(reply));
});
