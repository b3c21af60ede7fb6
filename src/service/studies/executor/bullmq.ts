/**
 * Scale-out executor: each scenario is a BullMQ job on the `strata-scenarios` queue, processed
 * by any number of `strata worker` processes (worker-main.ts). The job id is the scenario's
 * content hash, so identical scenarios submitted at once are computed once. A worker that dies
 * mid-job loses its lock; BullMQ's stalled-job check moves the job back to the queue and another
 * worker runs it (`attempts` bounds retries of a job that fails outright).
 */
import { Queue, QueueEvents } from 'bullmq';
import type { ScenarioResult } from '../../../studies/index.js';
import type { Scenario } from '../scenarios.js';
import { scenarioKey } from './scenario-key.js';
import { internalErrorResult } from './internal-error.js';
import { redisConnectionOptions, SCENARIO_QUEUE } from './redis-connection.js';
import type { ScenarioExecutor } from './types.js';

/** Tries per job when the processor throws (stalls are counted separately by maxStalledCount). */
export const JOB_ATTEMPTS = 3;

export async function createBullmqExecutor(redisUrl: string): Promise<ScenarioExecutor> {
  const connection = redisConnectionOptions(redisUrl);
  const queue = new Queue(SCENARIO_QUEUE, { connection });
  const events = new QueueEvents(SCENARIO_QUEUE, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  // One listener per scenario in flight (job.waitUntilFinished); the service bounds that number.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);

  const run = async (scenario: Scenario, signal?: AbortSignal): Promise<ScenarioResult> => {
    const job = await queue.add('scenario', scenario, {
      jobId: `s${scenarioKey(scenario)}`,
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 100 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 3600 },
    });
    let onAbort = (): void => undefined;
    const cancelled = new Promise<ScenarioResult>((resolve) => {
      onAbort = () => resolve(internalErrorResult(scenario, 'cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const finished = job.waitUntilFinished(events).then(
      (value: unknown) => {
        const result = value as ScenarioResult;
        return { ...result, scenario: { ...result.scenario, index: scenario.index } };
      },
      (error: unknown) =>
        internalErrorResult(scenario, error instanceof Error ? error.message : String(error)),
    );
    try {
      return await Promise.race([finished, cancelled]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    run,
    async close() {
      await events.close();
      await queue.close();
    },
  };
}
