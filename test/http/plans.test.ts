import { describe, expect, it } from 'vitest';
import { PlanResponse, Problem } from '../../src/contract/schemas.js';
import { PROBLEM_JSON, SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile();

const HEAVY_PLAN = {
  model: 'llama3-70b',
  cluster: { preset: 'dgx-h100', nodes: 64 },
  training: { globalBatchSize: 1024, sequenceLength: 8192 },
};

describe('POST /v1/plans', () => {
  it('plans llama3-8b on 2 × dgx-h100 in a worker', async () => {
    const res = await server.post('/v1/plans', SMALL_PLAN);
    expect(res.status).toBe(200);
    const body = PlanResponse.parse(await res.json());
    const { best, alternatives, search } = body;
    expect(best.worldSize).toBe(16);
    expect(best.nodes).toBe(2);
    expect(best.gpusPerNode).toBe(8);
    expect(best.accelerator).toBe('nvidia-h100-sxm-80gb');
    const s = best.strategy;
    expect(s.dataParallel * s.tensorParallel * s.pipelineParallel * s.contextParallel).toBe(16);
    expect(s.dataParallel * s.microBatchSize * s.numMicroBatches).toBe(64);
    expect(best.estimate.fits).toBe(true);
    expect(best.estimate.peakMemoryBytesPerGpu).toBeLessThanOrEqual(
      best.estimate.memoryCapacityBytesPerGpu,
    );
    expect(best.estimate.stepTimeSeconds).toBeGreaterThan(0);
    expect(best.layout.length).toBe(s.pipelineParallel * s.virtualStages);
    expect(alternatives.length).toBeLessThanOrEqual(5);
    for (const alt of alternatives) {
      expect(alt.estimate.stepTimeSeconds).toBeGreaterThanOrEqual(best.estimate.stepTimeSeconds);
    }
    expect(search.candidates).toBeGreaterThan(0);
    expect(search.feasible).toBeGreaterThan(0);
    expect(search.elapsedSeconds).toBeGreaterThan(0);
    expect(search.truncated).toBe(false);
  });

  it('may leave nodes idle (search.idleNodes, allNodesStepTimeSeconds); allowIdleNodes false plans all', async () => {
    const request = {
      model: 'gpt-1.7b',
      cluster: { preset: 'dgx-a100-80gb', nodes: 5 },
      training: { globalBatchSize: 96, sequenceLength: 2048 },
      search: { topK: 0 },
    };
    const idle = PlanResponse.parse(await (await server.post('/v1/plans', request)).json());
    const all = PlanResponse.parse(
      await (
        await server.post('/v1/plans', {
          ...request,
          search: { topK: 0, allowIdleNodes: false },
        })
      ).json(),
    );
    expect(idle.best.nodes).toBe(4);
    expect(idle.search.idleNodes).toBe(1);
    expect(idle.search.allNodesStepTimeSeconds).toBe(all.best.estimate.stepTimeSeconds);
    expect(all.best.nodes).toBe(5);
    expect(idle.best.estimate.stepTimeSeconds).toBeLessThan(all.best.estimate.stepTimeSeconds);
  });

  it('honours topK and constraints', async () => {
    const res = await server.post('/v1/plans', {
      ...SMALL_PLAN,
      search: { topK: 0, constraints: { tensorParallel: [2], zeroStage: [1] } },
    });
    expect(res.status).toBe(200);
    const body = PlanResponse.parse(await res.json());
    expect(body.alternatives).toEqual([]);
    expect(body.best.strategy.tensorParallel).toBe(2);
    expect(body.best.strategy.zeroStage).toBe(1);
  });

  it('answers 422 with rejection counts when no plan is feasible', async () => {
    const res = await server.post('/v1/plans', {
      model: 'llama3-70b',
      cluster: { preset: 'dgx-h100', nodes: 1 },
      training: { globalBatchSize: 61, sequenceLength: 4096 },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('INFEASIBLE');
    expect(problem.details?.['reason']).toBe('no-feasible-plan');
    const rejected = problem.details?.['rejected'] as Record<string, number>;
    expect(rejected['out-of-memory']).toBeGreaterThan(0);
    expect(rejected['batch-not-divisible-by-dp']).toBeGreaterThan(0);
  });

  it('keeps /healthz fast while a large plan runs', async () => {
    const heavy = server.post('/v1/plans', HEAVY_PLAN);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const health = await fetch(`${server.url}/healthz`);
    const elapsedMilliseconds = performance.now() - started;
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(elapsedMilliseconds).toBeLessThan(100);
    const res = await heavy;
    expect(res.status).toBe(200);
  });

  // Issue #13 changed this from 503: at its time limit a search answers its best plan so far;
  // 503 only when nothing feasible was found in time (test/http/anytime-plans.test.ts).
  it('answers its best plan so far at timeLimitSeconds and keeps serving', async () => {
    const res = await server.post('/v1/plans', {
      ...HEAVY_PLAN,
      search: { timeLimitSeconds: 0.2 },
    });
    expect(res.status).toBe(200);
    const { best, search } = PlanResponse.parse(await res.json());
    expect(best.estimate.stepTimeSeconds).toBeGreaterThanOrEqual(search.lowerBoundSeconds);
    const again = await server.post('/v1/plans', SMALL_PLAN);
    expect(again.status).toBe(200);
  });
});
