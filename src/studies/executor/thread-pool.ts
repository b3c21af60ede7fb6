/**
 * Embedded executor: a pool of node:worker_threads (default min(2, CPUs)) so that planning never
 * blocks the API's event loop. Under tsx/vitest the .ts worker is started through an eval
 * bootstrap that registers tsx's ESM hooks first (on Node 20, `execArgv: ['--import', 'tsx']`
 * does not install them in a worker thread; see src/api/worker-pool.ts); after tsc the sibling
 * .js file runs directly. A worker that dies is replaced and its scenario fails as `internal`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProfileCatalog } from '../../hardware-profiles/index.js';
import type { ScenarioResult } from '../result.js';
import type { Scenario } from '../spec.js';
import { internalErrorResult } from './internal-error.js';
import type { ScenarioExecutor, ScenarioReplyMessage } from './types.js';

interface Job {
  readonly id: number;
  readonly scenario: Scenario;
  readonly resolve: (result: ScenarioResult) => void;
  readonly signal: AbortSignal | undefined;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

const isTypeScript = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./scenario-worker.${isTypeScript ? 'ts' : 'js'}`, import.meta.url);

function startWorker(catalog: ProfileCatalog): Worker {
  const workerData = { catalog };
  if (!isTypeScript) return new Worker(workerUrl, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * One core stays with the event loop: on the 2-core reference machine two busy planners starve
 * the main thread (measured /healthz p99 71 ms with 2 threads); scale-out goes through BullMQ.
 */
export const defaultPoolSize = (): number => Math.max(1, Math.min(2, availableParallelism() - 1));

export function createThreadPoolExecutor(
  catalog: ProfileCatalog,
  size: number = defaultPoolSize(),
): ScenarioExecutor {
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
      slot.worker.postMessage({ id: job.id, scenario: job.scenario });
    }
  };

  const attach = (slot: Slot): void => {
    const worker = slot.worker;
    worker.on('message', (reply: ScenarioReplyMessage) => {
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
      job?.resolve(internalErrorResult(job.scenario, `scenario worker ${why}`));
      if (closed) return;
      slot.worker = startWorker(catalog);
      attach(slot);
      dispatch();
    };
    worker.on('error', (e) => lost(`crashed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!closed) lost(`exited with code ${code}`);
    });
  };

  for (let i = 0; i < size; i++) {
    const slot: Slot = { worker: startWorker(catalog), job: undefined };
    attach(slot);
    slots.push(slot);
  }

  return {
    run(scenario, signal) {
      if (closed) return Promise.resolve(internalErrorResult(scenario, 'executor closed'));
      return new Promise<ScenarioResult>((resolve) => {
        queue.push({ id: nextId++, scenario, resolve, signal });
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
