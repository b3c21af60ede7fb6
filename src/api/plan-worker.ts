/**
 * Worker-thread entry for POST /v1/plans (started by worker-pool.ts). Receives validated API
 * requests (plain data), maps and plans them here, and posts back the API response or the
 * normalised error. The catalog arrives once, structured-cloned, in workerData.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { toApiError } from './normalise-error.js';
import { runPlan } from './services.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const { catalog } = workerData as { catalog: ProfileCatalog };

async function handle(message: WorkerRequest): Promise<WorkerReply> {
  try {
    return { id: message.id, ok: true, outcome: await runPlan(catalog, message.request) };
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

parentPort?.on('message', (message: WorkerRequest) => {
  void handle(message).then((reply) => parentPort?.postMessage(reply));
});
