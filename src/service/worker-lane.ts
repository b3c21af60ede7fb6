/**
 * One lane of plan workers (node:worker_threads): a bounded queue in front of a fixed number of
 * workers. The plan pool (worker-pool.ts) runs two: searches, and renders of cached plans.
 *
 * Admission (issue #17): a job waits at most `maxQueue` places and `maxQueueWaitMilliseconds`
 * (503 OVERLOADED with Retry-After otherwise); a caller that goes away while its job is queued
 * takes it out of the queue (AbortSignal). A job's time limit starts when a worker takes it, not
 * when it is queued, so fast plans do not time out under load; a worker still busy at the limit
 * (plus a grace of a tenth of it, at most 2 s, so a search that stops itself at its deadline can
 * still answer) is
 * terminated and replaced, and the job fails with the lane's timeout error. A worker that dies
 * mid-job (killed, out of memory) fails that job with 503 SERVICE_UNAVAILABLE + Retry-After and
 * is respawned at once. A worker whose heap is still above `recycleHeapMiB` after a job is
 * replaced by a fresh one: V8 keeps the heap a big search grew to, so without this the server's
 * RSS crept up by each worker's largest search (`npm run load plans`: 662 → 1,095 MiB over 80
 * top-50 plans).
 *
 * The worker script is plan-worker, next to this file (module-worker.ts resolves .js or .ts).
 */
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../contract/index.js';
import type {
  SerialisedError,
  WorkerJob,
  WorkerMessage,
  WorkerRequest,
  WorkerResult,
} from './worker-protocol.js';
import { jobTransferables } from './worker-protocol.js';
import { startModuleWorker } from './module-worker.js';

export interface LaneOptions {
  readonly name: string;
  readonly size: number;
  readonly maxQueue: number;
  readonly maxQueueWaitMilliseconds: number;
  /** Old-generation heap of each worker; a job that needs more kills only its worker (503). */
  readonly heapMiB: number;
  /** A worker whose committed heap exceeds this after a job is replaced (idle, so no job fails). */
  readonly recycleHeapMiB: number;
  /** The error of a job that ran past its limit. */
  readonly timeoutError: (timeLimitMilliseconds: number) => ApiError;
}

export interface LaneStats {
  readonly size: number;
  /** Workers that have started and said so. */
  readonly ready: number;
  readonly busy: number;
  readonly queued: number;
  /** Workers replaced after a job because their heap stayed above recycleHeapMiB. */
  readonly recycled: number;
}

export interface Lane {
  submit(
    work: WorkerJob,
    timeLimitMilliseconds: number,
    signal?: AbortSignal,
  ): Promise<WorkerResult>;
  stats(): LaneStats;
  /** Stops taking jobs; waits up to graceMilliseconds for queued and running ones; then stops all. */
  drain(graceMilliseconds: number): Promise<void>;
}

interface Job {
  readonly id: number;
  readonly work: WorkerJob;
  readonly timeLimitMilliseconds: number;
  readonly resolve: (result: WorkerResult) => void;
  readonly reject: (error: ApiError) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  /** The queue-wait timer, then the run timer. */
  timer: NodeJS.Timeout | undefined;
  slot: Slot | undefined;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** False while a dead worker waits to be respawned. */
  alive: boolean;
  /** True once the worker posted its ready message. */
  started: boolean;
}

/**
 * After the limit, a worker gets a tenth of the limit, at most this long, to send what it has
 * (a search that stops itself at its deadline still answers) before it is terminated.
 */
export /** setTimeout's largest delay (2^31 − 1 ms); longer delays overflow and fire immediately. */
const MAX_TIMER_MILLISECONDS = 2 ** 31 - 1;
const HARD_STOP_GRACE_MILLISECONDS = 2000;
const HARD_STOP_GRACE_FRACTION = 0.1;
/** A worker that dies while idle (e.g. at startup) is respawned after this, not in a tight loop. */
const IDLE_RESPAWN_DELAY_MILLISECONDS = 1000;
const startWorker = (heapMiB: number): Worker =>
  startModuleWorker(import.meta.url, 'plan-worker', {
    resourceLimits: { maxOldGenerationSizeMb: heapMiB },
  });

const unavailable = (message: string, cause?: unknown): ApiError =>
  new ApiError('SERVICE_UNAVAILABLE', message, cause === undefined ? {} : { cause });

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

/** Why a worker died, for the client: out of memory is the one cause we can name. */
function lostWorkerError(name: string, error: unknown): ApiError {
  const oom =
    error instanceof Error && 'code' in error && error.code === 'ERR_WORKER_OUT_OF_MEMORY';
  return unavailable(
    oom
      ? `the ${name} worker ran out of memory on this request and was restarted; narrow the search (search.topK, search.maxCandidates, search.constraints) or retry later`
      : `the ${name} worker stopped while running this request and was restarted; retry`,
    error,
  );
}

export function createLane(options: LaneOptions): Lane {
  const { name, size, maxQueue, maxQueueWaitMilliseconds, heapMiB } = options;
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  let idle: (() => void) | undefined;
  let recycled = 0;

  const settle = (job: Job): void => {
    clearTimeout(job.timer);
    job.signal?.removeEventListener('abort', job.onAbort);
    if (job.slot !== undefined) job.slot.job = undefined;
    job.slot = undefined;
    if (idle !== undefined && queue.length === 0 && slots.every((s) => s.job === undefined)) idle();
  };

  const respawn = (slot: Slot): void => {
    if (closed) return;
    slot.worker = spawn();
    slot.alive = true;
    slot.started = false;
    dispatch();
  };

  /** The slot's worker is gone or must go: fail its job, replace it. */
  const replace = (slot: Slot, error: ApiError): void => {
    const job = slot.job;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    slot.alive = false;
    slot.started = false;
    if (job === undefined) {
      setTimeout(() => respawn(slot), IDLE_RESPAWN_DELAY_MILLISECONDS).unref();
      return;
    }
    settle(job);
    job.reject(error);
    respawn(slot);
  };

  /** Swaps an idle worker for a fresh one (its heap goes back to the system). */
  const recycle = (slot: Slot): void => {
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    recycled += 1;
    slot.worker = spawn();
    slot.started = false;
  };

  /** A fresh worker; its events find their slot by identity, so a replaced worker is ignored. */
  function spawn(): Worker {
    const worker = startWorker(heapMiB);
    worker.unref();
    const slotOf = (): Slot | undefined => slots.find((s) => s.worker === worker);
    worker.on('message', (message: WorkerMessage) => {
      const slot = slotOf();
      if (slot === undefined) return;
      if ('ready' in message) {
        slot.started = true;
        return;
      }
      const job = slot.job;
      if (job === undefined || job.id !== message.id) return;
      settle(job);
      if (message.ok) job.resolve(message.result);
      else job.reject(errorFromWorker(message.error));
      if (message.heapBytes > options.recycleHeapMiB * 2 ** 20) recycle(slot);
      dispatch();
    });
    worker.on('error', (error) => {
      const slot = slotOf();
      if (slot !== undefined) replace(slot, lostWorkerError(name, error));
    });
    worker.on('exit', (code) => {
      const slot = slotOf();
      if (!closed && slot !== undefined) {
        replace(slot, lostWorkerError(name, new Error(`${name} worker exited with code ${code}`)));
      }
    });
    return worker;
  }

  const onRunTimeout = (job: Job): void => {
    if (job.slot !== undefined) replace(job.slot, options.timeoutError(job.timeLimitMilliseconds));
  };

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.job !== undefined || !slot.alive) continue;
      const job = queue.shift();
      if (job === undefined) return;
      clearTimeout(job.timer);
      slot.job = job;
      job.slot = slot;
      // The clock starts now, when a worker takes the job (issue #17: not at submission).
      const grace = Math.min(
        HARD_STOP_GRACE_MILLISECONDS,
        HARD_STOP_GRACE_FRACTION * job.timeLimitMilliseconds,
      );
      // setTimeout fires at once past 2^31 − 1 ms; a longer limit means "no limit" (the CLI's).
      const limit = Math.min(job.timeLimitMilliseconds + grace, MAX_TIMER_MILLISECONDS);
      job.timer = setTimeout(() => onRunTimeout(job), limit);
      slot.worker.postMessage(
        {
          id: job.id,
          job: job.work,
          timeLimitMilliseconds: job.timeLimitMilliseconds,
        } satisfies WorkerRequest,
        jobTransferables(job.work),
      );
    }
  }

  /** Out of the queue with `error` (waited too long, caller gone, shutting down). */
  const dequeue = (job: Job, error: ApiError): void => {
    const at = queue.indexOf(job);
    if (at < 0) return;
    queue.splice(at, 1);
    settle(job);
    job.reject(error);
  };

  for (let i = 0; i < size; i++) {
    slots.push({ worker: spawn(), job: undefined, alive: true, started: false });
  }

  const busyMessage = (): string =>
    `the ${name} queue is full (${queue.length} waiting for ${size} worker${size === 1 ? '' : 's'}); retry later`;

  return {
    submit(work, timeLimitMilliseconds, signal) {
      if (closed) return Promise.reject(unavailable('the server is shutting down'));
      if (queue.length >= maxQueue)
        return Promise.reject(new ApiError('OVERLOADED', busyMessage()));
      if (signal?.aborted === true) {
        return Promise.reject(new ApiError('BAD_REQUEST', 'the request was abandoned'));
      }
      return new Promise<WorkerResult>((resolve, reject) => {
        const job: Job = {
          id: nextId++,
          work,
          timeLimitMilliseconds,
          resolve,
          reject,
          signal,
          onAbort: () => dequeue(job, new ApiError('BAD_REQUEST', 'the request was abandoned')),
          timer: undefined,
          slot: undefined,
        };
        signal?.addEventListener('abort', job.onAbort, { once: true });
        job.timer = setTimeout(() => {
          const seconds = maxQueueWaitMilliseconds / 1000;
          const message = `no ${name} worker was free within ${seconds} s; retry later`;
          dequeue(job, new ApiError('OVERLOADED', message, { retryAfterSeconds: seconds / 2 }));
        }, maxQueueWaitMilliseconds);
        queue.push(job);
        dispatch();
      });
    },
    stats: () => ({
      size,
      ready: slots.filter((s) => s.alive && s.started).length,
      busy: slots.filter((s) => s.job !== undefined).length,
      queued: queue.length,
      recycled,
    }),
    async drain(graceMilliseconds) {
      closed = true;
      const work = queue.length + slots.filter((s) => s.job !== undefined).length;
      if (work > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, graceMilliseconds).unref();
        });
      }
      const stopped = unavailable('the server is shutting down');
      for (const job of queue.splice(0)) {
        settle(job);
        job.reject(stopped);
      }
      await Promise.all(
        slots.map((slot) => {
          const job = slot.job;
          if (job !== undefined) {
            settle(job);
            job.reject(stopped);
          }
          slot.worker.removeAllListeners();
          return slot.worker.terminate();
        }),
      );
    },
  };
}
