/**
 * Scale-out executor: each scenario is a BullMQ job on the `strata-scenarios` queue, processed
 * by any number of `strata worker` processes (worker-main.ts). The job id is the scenario's
 * content hash, so identical scenarios submitted at once are computed once. A worker that dies
 * mid-job loses its lock; BullMQ's stalled-job check moves the job back to the queue and another
 * worker runs it (`attempts` bounds retries of a job that fails outright).
 *
 * Issue #17: completion events can be missed (Redis restarted, and with it the event stream), so
 * each waiting scenario also polls its job's state every POLL_MILLISECONDS: a finished job is
 * read directly, and a job Redis no longer knows (it lost its data) is added again.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import type { ScenarioResult } from '../../../studies/index.js';
import type { Scenario } from '../scenarios.js';
import { scenarioKey } from './scenario-key.js';
import { internalErrorResult } from './internal-error.js';
import { redisConnectionOptions, SCENARIO_QUEUE } from './redis-connection.js';
import type { ScenarioExecutor } from './types.js';

/** Tries per job when the processor throws (stalls are counted separately by maxStalledCount). */
export const JOB_ATTEMPTS = 3;

/** How often a waiting scenario checks its job's state itself. */
const POLL_MILLISECONDS = 2000;
const TICK = Symbol('tick');

const tick = (milliseconds: number): Promise<typeof TICK> =>
  new Promise((resolve) => setTimeout(() => resolve(TICK), milliseconds).unref());

export async function createBullmqExecutor(redisUrl: string): Promise<ScenarioExecutor> {
  const connection = redisConnectionOptions(redisUrl);
  const queue = new Queue(SCENARIO_QUEUE, { connection });
  const events = new QueueEvents(SCENARIO_QUEUE, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  // One listener per scenario in flight (job.waitUntilFinished); the service bounds that number.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  // Connection errors while Redis is away: waiting scenarios poll and resume (see above).
  queue.on('error', () => undefined);
  events.on('error', () => undefined);

  const jobOptions = {
    attempts: JOB_ATTEMPTS,
    backoff: { type: 'fixed', delay: 100 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 3600 },
  } as const;
  const withIndex = (value: unknown, scenario: Scenario): ScenarioResult => {
    const result = value as ScenarioResult;
    return { ...result, scenario: { ...result.scenario, index: scenario.index } };
  };

  /** The job's result when it finished, null while it runs; re-added when Redis lost it. */
  const poll = async (scenario: Scenario, jobId: string): Promise<ScenarioResult | null> => {
    const state = await Promise.race([queue.getJobState(jobId), tick(POLL_MILLISECONDS)]);
    if (state === TICK) return null; // Redis is not answering: wait on.
    if (state === 'unknown') {
      await queue.add('scenario', scenario, { ...jobOptions, jobId });
      return null;
    }
    if (state !== 'completed' && state !== 'failed') return null;
    const job = await Job.fromId(queue, jobId);
    if (job === undefined) return null;
    return state === 'completed'
      ? withIndex(job.returnvalue, scenario)
      : internalErrorResult(scenario, job.failedReason);
  };

  const run = async (scenario: Scenario, signal?: AbortSignal): Promise<ScenarioResult> => {
    const jobId = `s${scenarioKey(scenario)}`;
    const job = await queue.add('scenario', scenario, { ...jobOptions, jobId });
    let onAbort = (): void => undefined;
    const cancelled = new Promise<ScenarioResult>((resolve) => {
      onAbort = () => resolve(internalErrorResult(scenario, 'cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const finished = job.waitUntilFinished(events).then(
      (value: unknown) => withIndex(value, scenario),
      (error: unknown) =>
        internalErrorResult(scenario, error instanceof Error ? error.message : String(error)),
    );
    try {
      for (;;) {
        const next = await Promise.race([finished, cancelled, tick(POLL_MILLISECONDS)]);
        if (next !== TICK) return next;
        const polled = await poll(scenario, jobId).catch(() => null);
        if (polled !== null) return polled;
      }
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
