/**
 * Anytime search (issue #13): at search.timeLimitSeconds a transformer plan answers 200 with its
 * best plan so far, search.truncated and a lower bound on what it left unexplored; 503 only when
 * no answer was ready at the worker's hard stop (2 × the limit + a grace; here a heterogeneous
 * search, which is not anytime, under a pool with no grace).
 */
import { describe, expect, it } from 'vitest';
import { EstimateResponse, PlanResponse, Problem } from '../../src/contract/schemas.js';
import { PROBLEM_JSON, SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile();

const GPT3_FSDP = {
  model: 'gpt3-175b',
  cluster: { preset: 'dgx-a100-80gb', nodes: 192 },
  training: { globalBatchSize: 1536, sequenceLength: 2048, framework: 'fsdp' },
};

/** The 3-type cluster: a heterogeneous search, which does not stop at its time limit. */
const THREE_TYPES = {
  model: 'llama3-70b',
  cluster: {
    groups: [
      { preset: 'dgx-h100', nodes: 48 },
      { preset: 'dgx-a100-80gb', nodes: 48 },
      { preset: 'dgx-v100', nodes: 32 },
    ],
  },
  training: { globalBatchSize: 2048, sequenceLength: 8192 },
};

describe('POST /v1/plans at its time limit', () => {
  it('answers the best plan so far, truncated, with a lower bound below its step time', async () => {
    const res = await server.post('/v1/plans', {
      ...GPT3_FSDP,
      search: { timeLimitSeconds: 0.2 },
    });
    expect(res.status).toBe(200);
    const { best, search } = PlanResponse.parse(await res.json());
    expect(search.truncated).toBe(true);
    expect(search.lowerBoundSeconds).toBeGreaterThan(0);
    expect(best.estimate.stepTimeSeconds).toBeGreaterThanOrEqual(search.lowerBoundSeconds);
    expect(search.gapFraction).toBeCloseTo(
      (best.estimate.stepTimeSeconds - search.lowerBoundSeconds) / best.estimate.stepTimeSeconds,
      12,
    );
    const estimated = await server.post('/v1/estimates', {
      model: GPT3_FSDP.model,
      cluster: { preset: 'dgx-a100-80gb', nodes: best.nodes },
      training: GPT3_FSDP.training,
      strategy: best.strategy,
    });
    expect(estimated.status).toBe(200);
    const { estimate } = EstimateResponse.parse(await estimated.json());
    // Both time a pipeline by simulating its schedule: the estimate is the plan's.
    expect(estimate.stepTimeSeconds).toBeCloseTo(best.estimate.stepTimeSeconds, 9);
    expect(estimate.peakMemoryBytesPerGpu).toBeCloseTo(best.estimate.peakMemoryBytesPerGpu, 0);
    expect(estimate.stepTimeSeconds).toBeGreaterThanOrEqual(search.lowerBoundSeconds);
  });

  it('an exact search says so: not truncated, lower bound = step time, gap 0', async () => {
    const res = await server.post('/v1/plans', SMALL_PLAN);
    const { best, search } = PlanResponse.parse(await res.json());
    expect(search.truncated).toBe(false);
    expect(search.lowerBoundSeconds).toBe(best.estimate.stepTimeSeconds);
    expect(search.gapFraction).toBe(0);
  });

  it('plans the 3-type heterogeneous case (not anytime) exactly, well inside its hard stop', async () => {
    const res = await server.post('/v1/plans', {
      ...THREE_TYPES,
      search: { timeLimitSeconds: 0.2 },
    });
    expect(res.status).toBe(200);
  });
});

describe('a search still running at its hard stop', () => {
  // No grace: the worker is stopped at 2 × 0.2 s, before the heterogeneous search can finish.
  const strict = serverForFile({ poolOptions: { size: 1, hardStopGraceMilliseconds: 0 } });

  it('answers 503 PLANNING_TIMEOUT naming the time limit, and keeps serving', async () => {
    const res = await strict.post('/v1/plans', {
      ...THREE_TYPES,
      search: { timeLimitSeconds: 0.2 },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('PLANNING_TIMEOUT');
    expect(problem.field).toBe('search.timeLimitSeconds');
    expect(problem.detail).toMatch(/timeLimitSeconds=0.2/);
    const again = await strict.post('/v1/plans', SMALL_PLAN);
    expect(again.status).toBe(200);
  });
});
