/**
 * Scale-out executor: each scenario is a BullMQ job on the `strata-scenarios` queue, processed
 * by any number of `strata worker` processes (worker-main.ts). The job id is the scenario's
 * content hash, so identical scenarios submitted at once are computed once. A worker that dies
 * mid-job loses its lock; BullMQ's stalled-job check moves the job back to the queue and another
 * worker runs it (`attempts` bounds retries of a job that fails outright).
 */
import { Queue, QueueEvents } from 'bullmq';
import { contentHash } from '../hash.js';
import type { ScenarioResult } from '../result.js';
import type { Scenario } from '../spec.js';
import { internalErrorResult } from './internal-error.js';
import { redisConnectionOptions, SCENARIO_QUEUE } from './redis-connection.js';
import type { ScenarioExecutor } from './types.js';

/** Tries per job when the processor throws (stalls are counted separately by maxStalledCount). */
export const JOB_ATTEMPTS = 3;

/** The cache/job key of a scenario: its content without the position in the study. */
export function scenarioKey(scenario: Scenario): string {
  const { index: _index, ...content } = scenario;
  return contentHash(content);
}

export async function createBullmqExecutor(redisUrl: string): Promise<ScenarioExecutor> {
  const connection = redisConnectionOptions(redisUrl);
  const queue = new Queue(SCENARIO_QUEUE, { connection });
  const events = new QueueEvents(SCENARIO_QUEUE, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);

  const run = async (scenario: Scenario, signal?: AbortSignal): Promise<ScenarioResult> => {
    const job = await queue.add('scenario', scenario, {
      jobId: `s${scenarioKey(scenario)}`,
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 100 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 3600 },
    });
    const cancelled = new Promise<ScenarioResult>((resolve) => {
      signal?.addEventListener('abort', () => resolve(internalErrorResult(scenario, 'cancelled')), { once: true });
    });
    const finished = job.waitUntilFinished(events).then(
      (value: unknown) => {
        const result = value as ScenarioResult;
        return { ...result, scenario: { ...result.scenario, index: scenario.index } };
      },
      (error: unknown) => internalErrorResult(scenario, error instanceof Error ? error.message : String(error)),
    );
    return Promise.race([finished, cancelled]);
  };

  return {
    run,
    async close() {
      await events.close();
      await queue.close();
    },
  };
}
