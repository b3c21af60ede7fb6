/**
 * A small pool of plan workers (node:worker_threads) so that a big search never blocks the
 * event loop. Each job has a wall-clock limit counted from submission; a worker still busy at
 * the limit is terminated and replaced, and the job fails with PLANNING_TIMEOUT.
 *
 * The worker script is resolved next to this file: dist/src/service/plan-worker.js after tsc, or
 * src/service/plan-worker.ts under vitest/tsx. A .ts worker is started through a tiny eval bootstrap
 * that registers tsx's ESM hooks inside the worker first: on Node 20, `execArgv: ['--import',
 * 'tsx']` does not install the hooks in a worker thread (ERR_UNKNOWN_FILE_EXTENSION).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../contract/index.js';
import type { StoredPlanOutcome } from './plan-cache.js';
import type { ClusterSelectionResponse } from '../contract/index.js';
import type { SelectionProblem } from './cluster-selection.js';
import type { StoredOnnxModel } from './onnx-models.js';
import type { PlanProblem } from './plan-problem.js';
import type { SerialisedError, WorkerJob, WorkerReply, WorkerResult } from './worker-protocol.js';

export interface PlanPool {
  run(problem: PlanProblem, timeLimitMilliseconds: number): Promise<StoredPlanOutcome>;
  /** POST /v1/cluster-selections in a worker, with the same limits and errors as run. */
  select(
    problem: SelectionProblem,
    timeLimitMilliseconds: number,
  ): Promise<ClusterSelectionResponse>;
  /**
   * POST /v1/models/onnx: hash and read an uploaded file in a worker. Its bytes are transferred
   * (the caller's view is detached when it owns its whole buffer), so a 200 MB file is not copied.
   */
  readOnnx(bytes: Uint8Array, timeLimitMilliseconds: number): Promise<StoredOnnxModel>;
  close(): Promise<void>;
}

export interface PlanPoolOptions {
  /** Workers; default min(2, available CPUs). */
  readonly size?: number;
  /** Jobs waiting for a worker beyond this are refused with OVERLOADED; default 32. */
  readonly maxQueue?: number;
}

interface Job {
  readonly id: number;
  readonly work: WorkerJob;
  readonly timeLimitMilliseconds: number;
  readonly resolve: (result: WorkerResult) => void;
  readonly reject: (error: ApiError) => void;
  timer: NodeJS.Timeout | undefined;
  slot: Slot | undefined;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** False while a crashed worker waits to be respawned. */
  ready: boolean;
}

const DEFAULT_MAX_QUEUE = 32;
/** A worker that dies while idle (e.g. at startup) is respawned after this, not in a tight loop. */
const RESPAWN_DELAY_MILLISECONDS = 1000;
const isTypeScript = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./plan-worker.${isTypeScript ? 'ts' : 'js'}`, import.meta.url);

function startWorker(): Worker {
  if (!isTypeScript) return new Worker(workerUrl);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

const internal = (cause: unknown): ApiError =>
  new ApiError('INTERNAL', 'internal error', { cause });

function errorFromWorker(e: SerialisedError): ApiError {
  const cause =
    e.stack === undefined ? undefined : Object.assign(new Error(e.message), { stack: e.stack });
  return new ApiError(e.code, e.message, {
    ...(e.field === undefined ? {} : { field: e.field }),
    ...(e.issues === undefined ? {} : { issues: e.issues }),
    ...(e.details === undefined ? {} : { details: e.details }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** An upload's bytes move to the worker without a copy when the view owns its whole buffer. */
function transferList(work: WorkerJob): ArrayBuffer[] {
  if (work.kind !== 'onnx-read') return [];
  const b = work.bytes;
  const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  return whole && b.buffer instanceof ArrayBuffer ? [b.buffer] : [];
}

export function createPlanPool(options: PlanPoolOptions = {}): PlanPool {
  // One core stays with the event loop so /healthz and small requests answer while a search runs.
  const size = options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  const finish = (job: Job): void => {
    clearTimeout(job.timer);
    if (job.slot !== undefined) job.slot.job = undefined;
    job.slot = undefined;
  };

  const respawn = (slot: Slot): void => {
    if (closed) return;
    slot.worker = spawn();
    slot.ready = true;
    dispatch();
  };

  const fail = (slot: Slot, error: ApiError): void => {
    const job = slot.job;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    slot.ready = false;
    if (job === undefined) {
      setTimeout(() => respawn(slot), RESPAWN_DELAY_MILLISECONDS).unref();
      return;
    }
    finish(job);
    job.reject(error);
    respawn(slot);
  };

  /** A fresh worker; its events find their slot by identity, so a replaced worker is ignored. */
  function spawn(): Worker {
    const worker = startWorker();
    worker.unref();
    const slotOf = (): Slot | undefined => slots.find((s) => s.worker === worker);
    worker.on('message', (reply: WorkerReply) => {
      const slot = slotOf();
      const job = slot?.job;
      if (job === undefined || job.id !== reply.id) return;
      finish(job);
      if (reply.ok) job.resolve(reply.result);
      else job.reject(errorFromWorker(reply.error));
      dispatch();
    });
    worker.on('error', (error) => {
      const slot = slotOf();
      if (slot !== undefined) fail(slot, internal(error));
    });
    worker.on('exit', (code) => {
      const slot = slotOf();
      if (!closed && slot !== undefined) {
        fail(slot, internal(new Error(`plan worker exited with code ${code}`)));
      }
    });
    return worker;
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.job !== undefined || !slot.ready) continue;
      const job = queue.shift();
      if (job === undefined) return;
      slot.job = job;
      job.slot = slot;
      slot.worker.postMessage({ id: job.id, job: job.work }, transferList(job.work));
    }
  }

  const onTimeout = (job: Job): void => {
    const seconds = job.timeLimitMilliseconds / 1000;
    const error = new ApiError(
      'PLANNING_TIMEOUT',
      `the search did not finish within timeLimitSeconds=${seconds}; narrow it with search.constraints or lower search.maxCandidates`,
      { field: 'search.timeLimitSeconds', details: { timeLimitSeconds: seconds } },
    );
    const slot = job.slot;
    if (slot !== undefined) {
      fail(slot, error);
      return;
    }
    queue.splice(queue.indexOf(job), 1);
    job.reject(error);
  };

  for (let i = 0; i < size; i++) slots.push({ worker: spawn(), job: undefined, ready: true });

  const submit = (work: WorkerJob, timeLimitMilliseconds: number): Promise<WorkerResult> => {
    if (closed) return Promise.reject(new ApiError('OVERLOADED', 'the planner is shutting down'));
    if (queue.length >= maxQueue) {
      return Promise.reject(
        new ApiError(
          'OVERLOADED',
          `the planner is busy (${queue.length} searches waiting); retry later`,
        ),
      );
    }
    return new Promise<WorkerResult>((resolve, reject) => {
      const job: Job = {
        id: nextId++,
        work,
        timeLimitMilliseconds,
        resolve,
        reject,
        timer: undefined,
        slot: undefined,
      };
      job.timer = setTimeout(() => onTimeout(job), timeLimitMilliseconds);
      queue.push(job);
      dispatch();
    });
  };

  return {
    async run(problem, timeLimitMilliseconds) {
      const result = await submit({ kind: 'plan', problem }, timeLimitMilliseconds);
      if (result.kind !== 'plan') throw internal(new Error('worker answered another job kind'));
      return result.outcome;
    },
    async select(problem, timeLimitMilliseconds) {
      const work = { kind: 'cluster-selection', problem } as const;
      const result = await submit(work, timeLimitMilliseconds);
      if (result.kind !== 'cluster-selection') {
        throw internal(new Error('worker answered another job kind'));
      }
      return result.response;
    },
    async readOnnx(bytes, timeLimitMilliseconds) {
      const result = await submit({ kind: 'onnx-read', bytes }, timeLimitMilliseconds);
      if (result.kind !== 'onnx-read')
        throw internal(new Error('worker answered another job kind'));
      return result.stored;
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        finish(job);
        job.reject(new ApiError('OVERLOADED', 'the planner is shutting down'));
      }
      const stopped = new ApiError('OVERLOADED', 'the planner is shutting down');
      await Promise.all(
        slots.map((slot) => {
          if (slot.job !== undefined) {
            const job = slot.job;
            finish(job);
            job.reject(stopped);
          }
          slot.worker.removeAllListeners();
          return slot.worker.terminate();
        }),
      );
    },
  };
}
