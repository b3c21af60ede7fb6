/**
 * Embedded executor: a pool of workers — threads, or low-priority child processes — so that
 * planning never blocks the API's event loop (worker-handle.ts starts them). A worker that dies is
 * replaced and its scenario runs once more on the replacement, then fails as `internal`.
 */
import { availableParallelism } from 'node:os';
import type { ProfileCatalog } from '../../../hardware-profiles/index.js';
import type { ScenarioResult } from '../../../studies/index.js';
import type { Scenario } from '../scenarios.js';
import { internalErrorResult } from './internal-error.js';
import type { ScenarioExecutor, ScenarioReplyMessage } from './types.js';
import type { WorkerHandle, WorkerStarter } from './worker-handle.js';
import { processStarter, threadStarter } from './worker-handle.js';

interface Job {
  /** Times this scenario's worker died under it (it is retried once: a kill is not the scenario's fault). */
  losses: number;
  readonly id: number;
  readonly scenario: Scenario;
  readonly resolve: (result: ScenarioResult) => void;
  readonly signal: AbortSignal | undefined;
}

interface Slot {
  worker: WorkerHandle;
  job: Job | undefined;
}

/**
 * One core stays with the event loop: on the 2-core reference machine two busy planners starve
 * the main thread (measured /healthz p99 71 ms with 2 threads); scale-out goes through BullMQ.
 */
/** A scenario whose worker died is run again this many times before it becomes an internal row. */
const MAX_RETRIES_AFTER_LOSS = 1;

export const defaultPoolSize = (): number => Math.max(1, Math.min(2, availableParallelism() - 1));

/** Worker threads sharing the given catalog. */
export function createThreadPoolExecutor(
  catalog: ProfileCatalog,
  size: number = defaultPoolSize(),
): ScenarioExecutor {
  return createPoolExecutor(threadStarter(catalog), size);
}

/** Child processes at the lowest priority, each loading the profiles from `profilesDir`. */
export function createProcessPoolExecutor(
  profilesDir?: string,
  size: number = defaultPoolSize(),
): ScenarioExecutor {
  return createPoolExecutor(processStarter(profilesDir), size);
}

function createPoolExecutor(startWorker: WorkerStarter, size: number): ScenarioExecutor {
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.job !== undefined) continue;
      let job = queue.shift();
      while (job?.signal?.aborted === true) {
        job.resolve(internalErrorResult(job.scenario, 'cancelled'));
        job = queue.shift();
      }
      if (job === undefined) return;
      slot.job = job;
      slot.worker.post({ id: job.id, scenario: job.scenario });
    }
  };

  const attach = (slot: Slot): void => {
    const worker = slot.worker;
    worker.onMessage((reply: ScenarioReplyMessage) => {
      const job = slot.job;
      if (job === undefined || job.id !== reply.id) return;
      slot.job = undefined;
      job.resolve(reply.ok ? reply.result : internalErrorResult(job.scenario, reply.message));
      dispatch();
    });
    const lost = (why: string): void => {
      if (slot.worker !== worker) return;
      const job = slot.job;
      slot.job = undefined;
      if (job !== undefined) {
        job.losses += 1;
        // Issue #17: a killed child is retried on its replacement; a second loss is a bug's row.
        if (job.losses <= MAX_RETRIES_AFTER_LOSS && !closed) queue.unshift(job);
        else job.resolve(internalErrorResult(job.scenario, `scenario worker ${why}`));
      }
      if (closed) return;
      slot.worker = startWorker();
      attach(slot);
      dispatch();
    };
    worker.onError((e) => lost(`crashed: ${e.message}`));
    worker.onExit((code) => {
      if (!closed) lost(`exited with code ${code}`);
    });
  };

  for (let i = 0; i < size; i++) {
    const slot: Slot = { worker: startWorker(), job: undefined };
    attach(slot);
    slots.push(slot);
  }

  return {
    run(scenario, signal) {
      if (closed) return Promise.resolve(internalErrorResult(scenario, 'executor closed'));
      return new Promise<ScenarioResult>((resolve) => {
        queue.push({ id: nextId++, scenario, resolve, signal, losses: 0 });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0))
        job.resolve(internalErrorResult(job.scenario, 'executor closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
