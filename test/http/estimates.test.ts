import { describe, expect, it } from 'vitest';
import { EstimateResponse, Problem } from '../../src/contract/schemas.js';
import { PROBLEM_JSON, SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile({ pool: false });

const strategy = { dataParallel: 16, tensorParallel: 1, pipelineParallel: 1, microBatchSize: 2 };

/** POST /v1/estimates of SMALL_PLAN with `strategy` changed by `over`. */
const estimateWith = (over: Record<string, unknown> = {}) =>
  server.post('/v1/estimates', { ...SMALL_PLAN, strategy: { ...strategy, ...over } });

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
  return Problem.parse(await res.json());
}

describe('POST /v1/estimates', () => {
  it('a ZeRO stage the framework does not implement is 422 naming strategy.zeroStage', async () => {
    const res = await estimateWith({ zeroStage: 2 });
    expect(res.status).toBe(422);
    const problem = await problemOf(res);
    expect(problem.field).toBe('strategy.zeroStage');
    expect(problem.detail).toMatch(/zeroStage=2 is not available with megatron/);
  });

  it('estimates a strategy that fits, defaulting numMicroBatches', async () => {
    const res = await estimateWith({ zeroStage: 1, recompute: 'full' });
    expect(res.status).toBe(200);
    const body = EstimateResponse.parse(await res.json());
    expect(body.strategy.numMicroBatches).toBe(2);
    expect(body.strategy.schedule).toBe('1f1b');
    expect(body.estimate.fits).toBe(true);
    expect(body.estimate.stepTimeSeconds).toBeGreaterThan(0);
    expect(body.estimate.tokensPerSecond).toBeCloseTo(
      (64 * 4096) / body.estimate.stepTimeSeconds,
      0,
    );
    const m = body.estimate.memoryBytes;
    expect(m.weights + m.gradients + m.optimizer + m.activations + m.other).toBeGreaterThan(0);
    expect(body.estimate.stages).toHaveLength(1);
  });

  it('answers 422 naming strategy.tensorParallel when tp does not divide the heads', async () => {
    const res = await server.post('/v1/estimates', {
      model: { transformer: { layers: 4, hiddenSize: 4096, heads: 64, vocabSize: 32000 } },
      cluster: { accelerator: 'nvidia-h100-sxm-80gb', gpusPerNode: 3, nodes: 1 },
      training: { globalBatchSize: 8, sequenceLength: 1024 },
      strategy: { dataParallel: 1, tensorParallel: 3, pipelineParallel: 1, microBatchSize: 1 },
    });
    expect(res.status).toBe(422);
    const problem = await problemOf(res);
    expect(problem.code).toBe('INFEASIBLE');
    expect(problem.field).toBe('strategy.tensorParallel');
    expect(problem.detail).toBe('tp=3 does not divide 64 attention heads');
    expect(problem.details?.['reason']).toBe('heads-not-divisible');
  });

  it('answers 422 with required vs available bytes for a strategy that does not fit', async () => {
    const res = await estimateWith();
    expect(res.status).toBe(422);
    const problem = await problemOf(res);
    expect(problem.details?.['reason']).toBe('out-of-memory');
    const required = problem.details?.['requiredBytes'] as number;
    const available = problem.details?.['availableBytes'] as number;
    expect(available).toBe(80 * 2 ** 30);
    expect(required).toBeGreaterThan(available);
    expect(problem.detail).toMatch(/does not fit: needs .* GiB per GPU .* has 80\.0 GiB/);
  });

  it('answers 422 for a world-size mismatch and a batch that does not divide', async () => {
    const world = await problemOf(await estimateWith({ dataParallel: 4 }));
    expect(world.status).toBe(422);
    expect(world.details?.['reason']).toBe('world-size-mismatch');
    const batch = await problemOf(await estimateWith({ microBatchSize: 3 }));
    expect(batch.status).toBe(422);
    expect(batch.details?.['reason']).toBe('batch-not-divisible');
    expect(batch.field).toBe('strategy.microBatchSize');
  });
});
