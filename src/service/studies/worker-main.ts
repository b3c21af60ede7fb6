/**
 * `strata worker`: a scale-out scenario worker. Connects to REDIS_URL, processes jobs of the
 * `strata-scenarios` queue one at a time (concurrency 1: one planning search per process), and
 * closes cleanly on SIGTERM/SIGINT: the current job finishes first, for up to
 * STRATA_WORKER_GRACE_MS (default 10000); then, or at once when Redis does not answer (issue
 * #17: the worker ignored SIGTERM while Redis was down), it is closed by force — its job's lock
 * lapses and another worker takes it — and the process exits. A second signal exits at once.
 *
 * Lock and stalled-check intervals come from the environment so tests can make a killed worker's
 * job come back within seconds: STRATA_WORKER_LOCK_MS (default 30000) is how long a job's lock
 * lives without renewal; STRATA_WORKER_STALLED_MS (default 15000) how often stalled jobs are
 * looked for. Run: REDIS_URL=redis://127.0.0.1:6379 npx tsx src/service/studies/worker-main.ts
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { loadProfileCatalog } from '../../hardware-profiles/index.js';
import { redisConnectionOptions, SCENARIO_QUEUE } from './executor/redis-connection.js';
import type { ScenarioResult } from '../../studies/index.js';
import { runScenario } from './run-scenario.js';
import type { Scenario } from './scenarios.js';

/** Stalled jobs are retried up to this many times before they fail. */
const MAX_STALLED_COUNT = 3;

function envMilliseconds(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

export async function startScenarioWorker(
  redisUrl: string,
): Promise<Worker<Scenario, ScenarioResult>> {
  const catalog = loadProfileCatalog();
  const worker = new Worker<Scenario, ScenarioResult>(
    SCENARIO_QUEUE,
    (job: Job<Scenario>) => Promise.resolve(runScenario(catalog, job.data)),
    {
      connection: redisConnectionOptions(redisUrl),
      concurrency: 1,
      lockDuration: envMilliseconds('STRATA_WORKER_LOCK_MS', 30_000),
      stalledInterval: envMilliseconds('STRATA_WORKER_STALLED_MS', 15_000),
      maxStalledCount: MAX_STALLED_COUNT,
    },
  );
  worker.on('error', (error) => console.error(`strata worker: ${error.message}`));
  await worker.waitUntilReady();
  return worker;
}

export async function main(): Promise<number> {
  const redisUrl = process.env['REDIS_URL'];
  if (redisUrl === undefined || redisUrl === '') {
    console.error('strata worker: REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');
    return 2;
  }
  const worker = await startScenarioWorker(redisUrl);
  console.error(`strata worker: pid ${process.pid} processing '${SCENARIO_QUEUE}' at ${redisUrl}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const again = (): void => process.exit(0);
  process.once('SIGTERM', again);
  process.once('SIGINT', again);
  const grace = envMilliseconds('STRATA_WORKER_GRACE_MS', 10_000);
  const closed = await settlesWithin(worker.close(), grace);
  if (!closed) {
    console.error(`strata worker: not closed within ${grace} ms; closing by force`);
    await settlesWithin(worker.close(true), FORCE_CLOSE_MILLISECONDS);
  }
  console.error('strata worker: stopped');
  // A Redis client still reconnecting would keep the process alive after main returns.
  setTimeout(() => process.exit(0), FORCE_CLOSE_MILLISECONDS).unref();
  return 0;
}

/** A forced close that still waits on a dead connection is abandoned after this. */
const FORCE_CLOSE_MILLISECONDS = 2000;

/** True when `promise` settles within `milliseconds`. */
async function settlesWithin(promise: Promise<unknown>, milliseconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), milliseconds);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main();
}
