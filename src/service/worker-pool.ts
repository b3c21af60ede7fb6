/**
 * The plan pool: two lanes of worker threads (worker-lane.ts) so that nothing big runs on the
 * event loop. The search lane runs POST /v1/plans and /v1/cluster-selections; the render lane
 * (one worker) runs exports and schedules of cached plans and POST /v1/schedules, so a cheap
 * render never waits behind a 30-second search. Both lanes bound their queues and the time a job
 * may wait; a job's time limit counts from when a worker takes it.
 */
import { availableParallelism } from 'node:os';
import type { ClusterSelectionResponse } from '../contract/index.js';
import { ApiError } from '../contract/index.js';
import type { SelectionProblem } from './cluster-selection.js';
import type { StoredOnnxModel } from './onnx-models.js';
import type { StoredPlanOutcome } from './plan-cache.js';
import type { PlanProblem } from './plan-problem.js';
import type { RenderedBytes } from './plan-renders.js';
import type { Lane, LaneStats } from './worker-lane.js';
import { createLane } from './worker-lane.js';
import type { RenderJob, WorkerJob, WorkerResult } from './worker-protocol.js';

export type { RenderJob } from './worker-protocol.js';

export interface PlanPool {
  run(
    problem: PlanProblem,
    timeLimitMilliseconds: number,
    signal?: AbortSignal,
  ): Promise<StoredPlanOutcome>;
  /** POST /v1/cluster-selections in a worker, with the same limits and errors as run. */
  select(
    problem: SelectionProblem,
    timeLimitMilliseconds: number,
    signal?: AbortSignal,
  ): Promise<ClusterSelectionResponse>;
  /**
   * POST /v1/models/onnx: hash and read an uploaded file in a search worker (it is CPU work of
   * seconds for 256 MiB). Its bytes are transferred: the caller's view is detached when it owns
   * its whole buffer, so a 200 MB file is not copied.
   */
  readOnnx(
    bytes: Uint8Array,
    timeLimitMilliseconds: number,
    signal?: AbortSignal,
  ): Promise<StoredOnnxModel>;
  /** An export or schedule of a cached plan (its domain bytes), or POST /v1/schedules. */
  render(job: RenderJob, signal?: AbortSignal): Promise<RenderedBytes>;
  stats(): PlanPoolStats;
  /** Stops taking jobs, lets queued and running ones finish for up to graceMilliseconds, then stops. */
  close(graceMilliseconds?: number): Promise<void>;
}

export interface PlanPoolStats {
  readonly search: LaneStats;
  readonly render: LaneStats;
  /** Candidates evaluated by finished searches since start (for candidates/s). */
  readonly candidatesEvaluated: number;
}

export interface PlanPoolOptions {
  /** Search workers; default min(2, available CPUs − 1), at least 1. */
  readonly size?: number;
  /** Searches waiting for a worker beyond this are refused with 503 OVERLOADED; default 32. */
  readonly maxQueue?: number;
  /** A search that waits longer than this for a worker is refused with 503 OVERLOADED; default 60 s. */
  readonly maxQueueWaitMilliseconds?: number;
  /** Old-generation heap per search worker (MiB); default 2048. */
  readonly heapMiB?: number;
  /** A search worker whose heap stays above this (MiB) after a job is replaced; default 384. */
  readonly recycleHeapMiB?: number;
  /** A plan search is stopped (503) at 2 × its time limit + this; default 10 s. */
  readonly hardStopGraceMilliseconds?: number;
}

const DEFAULT_MAX_QUEUE = 32;
const DEFAULT_MAX_QUEUE_WAIT_MILLISECONDS = 60_000;
const DEFAULT_HEAP_MIB = 2048;
const DEFAULT_HARD_STOP_GRACE_MILLISECONDS = 10_000;
/**
 * Committed heap above which an idle worker is swapped for a fresh one (~1 s to start): above
 * what an ordinary search leaves behind, so only the aftermath of large ones is recycled.
 */
const DEFAULT_RECYCLE_HEAP_MIB = 384;
const RENDER_RECYCLE_HEAP_MIB = 256;
/** Renders are bounded by LIMITS.scheduleActions; one that runs longer than this is a bug or abuse. */
export const RENDER_TIME_LIMIT_MILLISECONDS = 20_000;
const RENDER_HEAP_MIB = 1024;
const RENDER_MAX_QUEUE = 64;
const RENDER_MAX_QUEUE_WAIT_MILLISECONDS = 30_000;

/**
 * When the pool stops a plan worker: transformer searches stop themselves at the time limit and
 * answer their best plan so far (anytime search, issue #13), then simulate their finalists; the
 * worker is stopped (503 PLANNING_TIMEOUT) only past twice the limit plus a grace (10 s by
 * default: a cold worker first loads its code), capped at setTimeout's largest delay.
 */
export function hardTimeLimitMilliseconds(
  timeLimitMilliseconds: number,
  graceMilliseconds = DEFAULT_HARD_STOP_GRACE_MILLISECONDS,
): number {
  return Math.min(2 ** 31 - 1, 2 * timeLimitMilliseconds + graceMilliseconds);
}

const planningTimeout = (timeLimitMilliseconds: number): ApiError => {
  const seconds = timeLimitMilliseconds / 1000;
  return new ApiError(
    'PLANNING_TIMEOUT',
    `the search did not finish within timeLimitSeconds=${seconds} (counted from when a worker started it); narrow it with search.constraints or lower search.maxCandidates`,
    {
      field: 'search.timeLimitSeconds',
      details: { timeLimitSeconds: seconds },
      retryAfterSeconds: seconds,
    },
  );
};

const renderTimeout = (timeLimitMilliseconds: number): ApiError =>
  new ApiError(
    'SERVICE_UNAVAILABLE',
    `rendering did not finish within ${timeLimitMilliseconds / 1000} s`,
  );

const wrongKind = (): ApiError =>
  new ApiError('INTERNAL', 'internal error', {
    cause: new Error('worker answered another job kind'),
  });

export function createPlanPool(options: PlanPoolOptions = {}): PlanPool {
  // One core stays with the event loop so /healthz and small requests answer while a search runs.
  const size = options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  const search: Lane = createLane({
    name: 'planner',
    size,
    maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
    maxQueueWaitMilliseconds:
      options.maxQueueWaitMilliseconds ?? DEFAULT_MAX_QUEUE_WAIT_MILLISECONDS,
    heapMiB: options.heapMiB ?? DEFAULT_HEAP_MIB,
    recycleHeapMiB: options.recycleHeapMiB ?? DEFAULT_RECYCLE_HEAP_MIB,
    timeoutError: planningTimeout,
  });
  const render: Lane = createLane({
    name: 'render',
    size: 1,
    maxQueue: RENDER_MAX_QUEUE,
    maxQueueWaitMilliseconds: RENDER_MAX_QUEUE_WAIT_MILLISECONDS,
    heapMiB: RENDER_HEAP_MIB,
    recycleHeapMiB: RENDER_RECYCLE_HEAP_MIB,
    timeoutError: renderTimeout,
  });
  let candidatesEvaluated = 0;

  const searchJob = (work: WorkerJob, limit: number, signal?: AbortSignal) =>
    search.submit(work, limit, signal);

  return {
    async run(problem, timeLimitMilliseconds, signal) {
      const result = await searchJob(
        { kind: 'plan', problem },
        hardTimeLimitMilliseconds(timeLimitMilliseconds, options.hardStopGraceMilliseconds),
        signal,
      ).catch((error: unknown) => {
        // Name the limit the request gave, not the later moment the worker was stopped.
        if (error instanceof ApiError && error.code === 'PLANNING_TIMEOUT') {
          throw planningTimeout(timeLimitMilliseconds);
        }
        throw error;
      });
      if (result.kind !== 'plan') throw wrongKind();
      candidatesEvaluated += result.candidates;
      return result.outcome;
    },
    async select(problem, timeLimitMilliseconds, signal) {
      const work = { kind: 'cluster-selection', problem } as const;
      const result: WorkerResult = await searchJob(work, timeLimitMilliseconds, signal);
      if (result.kind !== 'cluster-selection') throw wrongKind();
      return result.response;
    },
    async readOnnx(bytes, timeLimitMilliseconds, signal) {
      const result = await searchJob({ kind: 'onnx-read', bytes }, timeLimitMilliseconds, signal);
      if (result.kind !== 'onnx-read') throw wrongKind();
      return result.stored;
    },
    async render(job, signal) {
      const result = await render.submit(job, RENDER_TIME_LIMIT_MILLISECONDS, signal);
      if (result.kind !== 'rendered') throw wrongKind();
      return result.rendered;
    },
    stats: () => ({ search: search.stats(), render: render.stats(), candidatesEvaluated }),
    async close(graceMilliseconds = 0) {
      await Promise.all([search.drain(graceMilliseconds), render.drain(graceMilliseconds)]);
    },
  };
}
