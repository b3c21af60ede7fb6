/**
 * training.gradientReduceInFp32 over HTTP (Megatron's main-gradient dtype: memory, the exported
 * flags, 400 for other frameworks) and the MoE / CP lines of the time breakdown.
 */
import { describe, expect, it } from 'vitest';
import { PlanResponse } from '../../src/contract/schemas.js';
import { serverForFile, SMALL_PLAN } from './server.js';

const server = serverForFile();

interface EstimateBody {
  readonly detail?: string;
  readonly estimate: {
    readonly stepTimeSeconds: number;
    readonly memoryBytes: { readonly gradients: number };
    readonly timeSeconds: Record<string, number>;
    readonly hiddenCommSeconds: Record<string, number>;
  };
}

const estimateOf = async (body: unknown): Promise<EstimateBody> => {
  const res = await server.post('/v1/estimates', body);
  const json = (await res.json()) as EstimateBody;
  expect(res.status, json.detail).toBe(200);
  return json;
};

const dense = {
  ...SMALL_PLAN,
  strategy: { dataParallel: 4, tensorParallel: 4, pipelineParallel: 1, microBatchSize: 1 },
};

async function megatronArgv(training: Record<string, unknown>): Promise<string[]> {
  const res = await server.post('/v1/plans', {
    ...SMALL_PLAN,
    training: { ...SMALL_PLAN.training, ...training },
    search: { exports: ['megatron'] },
  });
  expect(res.status).toBe(200);
  const plan = PlanResponse.parse(await res.json());
  const megatron = plan.best.exports?.megatron;
  if (megatron === undefined) throw new Error('no megatron export');
  return megatron.argv;
}

describe('training.gradientReduceInFp32', () => {
  it('false keeps 16-bit main gradients: half the gradient bytes of the fp32 default', async () => {
    const fp32 = await estimateOf(dense);
    const bf16 = await estimateOf({
      ...dense,
      training: { ...dense.training, gradientReduceInFp32: false },
    });
    // ZeRO-0 / DDP: every rank holds the whole gradient buffer of its 1/tp shard (4 vs 2 bytes).
    expect(bf16.estimate.memoryBytes.gradients).toBeCloseTo(
      fp32.estimate.memoryBytes.gradients / 2,
      -3,
    );
  });

  it('exports --grad-reduce-in-bf16 when false, neither flag by default for bf16', async () => {
    const off = await megatronArgv({ gradientReduceInFp32: false });
    expect(off).toContain('--grad-reduce-in-bf16');
    const byDefault = await megatronArgv({});
    expect(byDefault).not.toContain('--grad-reduce-in-bf16');
    expect(byDefault).not.toContain('--accumulate-allreduce-grads-in-fp32');
  });

  it('fp16 exports --accumulate-allreduce-grads-in-fp32 (validate_args does not turn it on)', async () => {
    const argv = await megatronArgv({ precision: 'fp16' });
    expect(argv).toContain('--accumulate-allreduce-grads-in-fp32');
  });

  it('is Megatron-only: a 400 naming the field for fsdp', async () => {
    const res = await server.post('/v1/estimates', {
      ...dense,
      training: { ...dense.training, framework: 'fsdp', gradientReduceInFp32: false },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field?: string }).field).toBe('training.gradientReduceInFp32');
  });
});

describe('training.fsdpParameterDtype', () => {
  const fsdp = {
    ...SMALL_PLAN,
    strategy: {
      dataParallel: 16,
      tensorParallel: 1,
      pipelineParallel: 1,
      microBatchSize: 1,
      zeroStage: 3,
    },
  };
  const states = (e: EstimateBody): number => {
    const m = e.estimate.memoryBytes as unknown as Record<string, number>;
    return (m['weights'] ?? 0) + (m['gradients'] ?? 0) + (m['optimizer'] ?? 0);
  };

  it('bf16 resident states hold 8 bytes per parameter over the shard group instead of 16', async () => {
    const fp32 = await estimateOf({ ...fsdp, training: { ...fsdp.training, framework: 'fsdp' } });
    const bf16 = await estimateOf({
      ...fsdp,
      training: { ...fsdp.training, framework: 'fsdp', fsdpParameterDtype: 'bf16' },
    });
    expect(states(bf16) / states(fp32)).toBeCloseTo(0.5, 1);
  });

  it('exports --training.dtype bfloat16 to torchtitan; other frameworks answer 400', async () => {
    const res = await server.post('/v1/plans', {
      ...SMALL_PLAN,
      training: { ...SMALL_PLAN.training, framework: 'fsdp', fsdpParameterDtype: 'bf16' },
      search: { exports: ['torchtitan'] },
    });
    expect(res.status).toBe(200);
    const plan = PlanResponse.parse(await res.json());
    const overrides = plan.best.exports?.torchtitan?.overrides ?? [];
    expect(overrides[overrides.indexOf('--training.dtype') + 1]).toBe('bfloat16');
    const megatron = await server.post('/v1/estimates', {
      ...dense,
      training: { ...dense.training, fsdpParameterDtype: 'bf16' },
    });
    expect(megatron.status).toBe(400);
    expect(((await megatron.json()) as { field?: string }).field).toBe(
      'training.fsdpParameterDtype',
    );
  });
});

describe('time breakdown: expert and context parallel communication', () => {
  it('an EP 8 MoE estimate carries its dispatch time; the lines add up to the step', async () => {
    const moe = await estimateOf({
      model: 'mixtral-8x7b',
      cluster: { preset: 'dgx-h100', nodes: 8 },
      training: { globalBatchSize: 512, sequenceLength: 4096, moe: { overlapAllToAll: false } },
      strategy: {
        dataParallel: 64,
        tensorParallel: 1,
        pipelineParallel: 1,
        expertParallel: 8,
        microBatchSize: 1,
        zeroStage: 1,
        recompute: 'full',
      },
    });
    const t = moe.estimate.timeSeconds;
    expect(t['expertParallelComm']).toBeGreaterThan(0);
    expect(t['contextParallelComm']).toBe(0);
    expect(moe.estimate.hiddenCommSeconds['expertParallelComm']).toBe(0);
    // Without pipelining there is no bubble: the critical-path lines are the whole step.
    const sum = Object.values(t).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(moe.estimate.stepTimeSeconds, 6);
  });

  it('a CP 4 estimate at 32K tokens reports its K/V exchange, exposed or hidden', async () => {
    const cp = await estimateOf({
      model: 'llama3-8b',
      cluster: { preset: 'dgx-h100', nodes: 4 },
      training: { globalBatchSize: 8, sequenceLength: 32768 },
      strategy: {
        dataParallel: 2,
        tensorParallel: 4,
        pipelineParallel: 1,
        contextParallel: 4,
        microBatchSize: 1,
        zeroStage: 1,
      },
    });
    const total =
      (cp.estimate.timeSeconds['contextParallelComm'] ?? 0) +
      (cp.estimate.hiddenCommSeconds['contextParallelComm'] ?? 0);
    expect(total).toBeGreaterThan(0);
    expect(cp.estimate.timeSeconds['expertParallelComm']).toBe(0);
  });
});
