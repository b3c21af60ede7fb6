/**
 * `strata worker`: a scale-out scenario worker. Connects to REDIS_URL, processes jobs of the
 * `strata-scenarios` queue one at a time (concurrency 1: one planning search per process), and
 * closes cleanly on SIGTERM/SIGINT (the current job finishes first).
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
  await worker.close();
  console.error('strata worker: stopped');
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main();
}
