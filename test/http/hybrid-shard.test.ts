/**
 * HSDP as a searched option (issue #12), end to end: the fsdp search offers shard groups inside a
 * node, picks one where it is faster, exports it as torchtitan's replicate × shard mesh, and the
 * plan's estimate is what POST /v1/estimates answers for its strategy. Other frameworks never get
 * one; asking for it is a 422 naming strategy.dataParallelShard.
 */
import { describe, expect, it } from 'vitest';
import { EstimateResponse, PlanResponse, Problem } from '../../src/contract/index.js';
import { PROBLEM_JSON, serverForFile } from './server.js';

const server = serverForFile();

const base = {
  model: 'llama3-8b',
  cluster: { preset: 'dgx-h100', nodes: 128 },
  training: { globalBatchSize: 1024, sequenceLength: 4096, framework: 'fsdp' },
} as const;

describe('HSDP in the fsdp search', () => {
  it('llama3-8b on 1,024 H100: the plan shards inside each node and replicates across 128', async () => {
    const res = await server.post('/v1/plans', {
      ...base,
      search: {
        constraints: { tensorParallel: [1], pipelineParallel: [1], zeroStage: [3] },
        exports: ['torchtitan'],
        topK: 3,
      },
    });
    expect(res.status).toBe(200);
    const body = PlanResponse.parse(await res.json());
    const s = body.best.strategy;
    expect(s.dataParallel).toBe(1024);
    expect(s.dataParallelShard).toBe(8);
    const settings = new Map(
      (body.best.exports?.torchtitan?.settings ?? []).map((x) => [x.option, x.value]),
    );
    expect(settings.get('parallelism.data_parallel_replicate_degree')).toBe(128);
    expect(settings.get('parallelism.data_parallel_shard_degree')).toBe(8);
    // Full sharding of the same shape is among the alternatives, and slower.
    const full = body.alternatives.find(
      (p) =>
        p.strategy.dataParallelShard === 1024 && p.strategy.microBatchSize === s.microBatchSize,
    );
    if (full !== undefined) {
      expect(full.estimate.stepTimeSeconds).toBeGreaterThan(body.best.estimate.stepTimeSeconds);
    }
    const again = await server.post('/v1/estimates', { ...base, strategy: s });
    expect(again.status).toBe(200);
    const { estimate } = EstimateResponse.parse(await again.json());
    expect(estimate.stepTimeSeconds).toBeCloseTo(body.best.estimate.stepTimeSeconds, 9);
    expect(estimate.peakMemoryBytesPerGpu).toBeCloseTo(body.best.estimate.peakMemoryBytesPerGpu, 0);
  }, 60_000);

  it('megatron plans never carry a shard group smaller than dp', async () => {
    const res = await server.post('/v1/plans', {
      ...base,
      cluster: { preset: 'dgx-h100', nodes: 2 },
      training: { ...base.training, globalBatchSize: 64, framework: 'megatron' },
      search: { topK: 10 },
    });
    expect(res.status).toBe(200);
    const body = PlanResponse.parse(await res.json());
    for (const p of [body.best, ...body.alternatives])
      expect(p.strategy.dataParallelShard).toBe(p.strategy.dataParallel);
  }, 60_000);
});

describe('HSDP bad input', () => {
  const strategy = {
    dataParallel: 32,
    tensorParallel: 1,
    pipelineParallel: 1,
    microBatchSize: 1,
    zeroStage: 3,
  } as const;
  const estimate = (framework: string, dataParallelShard: number) =>
    server.post('/v1/estimates', {
      ...base,
      cluster: { preset: 'dgx-h100', nodes: 4 },
      training: { ...base.training, globalBatchSize: 256, framework },
      strategy: { ...strategy, zeroStage: framework === 'megatron' ? 1 : 3, dataParallelShard },
    });

  it.each([
    ['fsdp', 12, /does not divide dataParallel=32/],
    ['megatron', 8, /needs framework fsdp/],
  ])('%s with dataParallelShard=%i is a 422 naming the field', async (framework, shard, why) => {
    const res = await estimate(framework, shard);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await res.json());
    expect(JSON.stringify(problem)).toContain('strategy.dataParallelShard');
    expect(JSON.stringify(problem)).toMatch(why);
  });
});
