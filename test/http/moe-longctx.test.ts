/**
 * MoE and long context over HTTP: the bad inputs of issue #14 answer 4xx naming the field (top-k
 * above the experts is a 400 on the model; a strategy the model cannot run — experts not
 * divisible by EP, CP not dividing the sequence into 2·CP chunks — a 422 naming the strategy
 * field, as every other invalid strategy; FP8 on A100 a 422 naming the device), and estimates
 * accept EP / CP strategies.
 */
import { describe, expect, it } from 'vitest';
import { PROBLEM_JSON, serverForFile } from './server.js';

const moeModel = {
  transformer: {
    layers: 4,
    hiddenSize: 1024,
    heads: 8,
    vocabSize: 32000,
    gatedMlp: true,
    moe: { experts: 8, topK: 2, expertFfnHiddenSize: 1024 },
  },
};
/** The same 4-layer shape as a Hugging Face config, its model_type and expert keys from `over`. */
const hfModel = (over: Record<string, unknown>) => ({
  huggingFaceConfig: {
    hidden_size: 1024,
    num_hidden_layers: 4,
    num_attention_heads: 8,
    num_key_value_heads: 8,
    intermediate_size: 2048,
    vocab_size: 32000,
    max_position_embeddings: 4096,
    ...over,
  },
});
const cluster = { preset: 'dgx-h100', nodes: 1 };
const training = { globalBatchSize: 64, sequenceLength: 4096 };
const strategy = { dataParallel: 8, tensorParallel: 1, pipelineParallel: 1, microBatchSize: 1 };
/** FP8 training of a dense model on A100, which has no FP8 tensor cores. */
const fp8OnA100 = {
  model: 'llama3-8b',
  cluster: { preset: 'dgx-a100-80gb', nodes: 1 },
  training: { ...training, precision: 'fp8' },
};

const cases: [string, string, unknown, number, string][] = [
  [
    'top-k > experts (explicit transformer)',
    '/v1/estimates',
    {
      model: {
        transformer: { ...moeModel.transformer, moe: { experts: 4, topK: 6 } },
      },
      cluster,
      training,
      strategy,
    },
    400,
    'model.transformer.moe.topK',
  ],
  [
    'top-k > experts (Hugging Face config)',
    '/v1/plans',
    {
      model: hfModel({ model_type: 'mixtral', num_local_experts: 4, num_experts_per_tok: 6 }),
      cluster,
      training,
    },
    400,
    'model.huggingFaceConfig.num_experts_per_tok',
  ],
  [
    'expert keys on a dense model_type',
    '/v1/plans',
    {
      model: hfModel({ model_type: 'mistral', num_local_experts: 8, num_experts_per_tok: 2 }),
      cluster,
      training,
    },
    400,
    'model.huggingFaceConfig.num_local_experts',
  ],
  [
    'experts not divisible by EP',
    '/v1/estimates',
    {
      model: moeModel,
      cluster: { preset: 'dgx-h100', nodes: 2 },
      training,
      strategy: { ...strategy, dataParallel: 16, expertParallel: 16 },
    },
    422,
    'strategy.expertParallel',
  ],
  [
    'EP·ETP not dividing tp·cp·dp (folding)',
    '/v1/estimates',
    {
      model: moeModel,
      cluster,
      training,
      strategy: { ...strategy, dataParallel: 4, pipelineParallel: 2, expertParallel: 8 },
    },
    422,
    'strategy.expertParallel',
  ],
  [
    'EP on a dense model',
    '/v1/estimates',
    { model: 'llama3-8b', cluster, training, strategy: { ...strategy, expertParallel: 2 } },
    422,
    'strategy.expertParallel',
  ],
  [
    'CP not dividing the sequence into 2·CP chunks',
    '/v1/estimates',
    {
      model: 'llama3-8b',
      cluster,
      training: { ...training, sequenceLength: 4100 },
      strategy: { ...strategy, dataParallel: 2, contextParallel: 4 },
    },
    422,
    'strategy.contextParallel',
  ],
  [
    'FP8 on A100 (estimate)',
    '/v1/estimates',
    { ...fp8OnA100, strategy },
    422,
    'training.precision',
  ],
  ['FP8 on A100 (plan)', '/v1/plans', fp8OnA100, 422, 'training.precision'],
  [
    'multi-token prediction under fsdp (plan)',
    '/v1/plans',
    {
      model: { transformer: { ...moeModel.transformer, mtpLayers: 1 } },
      cluster,
      training: { ...training, framework: 'fsdp' },
    },
    422,
    'training.framework',
  ],
  [
    'multi-token prediction under deepspeed (estimate)',
    '/v1/estimates',
    {
      model: { transformer: { ...moeModel.transformer, mtpLayers: 1 } },
      cluster,
      training: { ...training, framework: 'deepspeed' },
      strategy,
    },
    422,
    'training.framework',
  ],
  [
    'mtpLayers above its cap',
    '/v1/estimates',
    {
      model: { transformer: { ...moeModel.transformer, mtpLayers: 9 } },
      cluster,
      training,
      strategy,
    },
    400,
    'model.transformer.mtpLayers',
  ],
];

interface EstimateBody {
  readonly detail?: string;
  readonly estimate?: { readonly memoryBytes: { readonly activations: number } };
}

const server = serverForFile();

describe('MoE / CP / FP8 bad input names the field', () => {
  it.each(cases)('%s', async (_name, path, body, status, field) => {
    const res = await server.post(path, body);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = (await res.json()) as { detail?: string; field?: string };
    expect(res.status, problem.detail).toBe(status);
    expect(problem.field).toBe(field);
  });

  it('the FP8 422 names the device', async () => {
    const res = await server.post('/v1/estimates', {
      model: 'llama3-8b',
      cluster: { preset: 'dgx-a100-80gb', nodes: 1 },
      training: { ...training, precision: 'fp8' },
      strategy,
    });
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toMatch(/A100/);
  });
});

describe('multi-token prediction', () => {
  it('a megatron plan prices the MTP depth and exports --mtp-num-layers', async () => {
    const plan = async (mtpLayers: number) => {
      const res = await server.post('/v1/plans', {
        model: { transformer: { ...moeModel.transformer, mtpLayers } },
        cluster,
        training,
        search: { exports: ['megatron'] },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        best: {
          estimate: { modelFlopsPerStep: number };
          exports: { megatron: { argv: string[] } };
        };
      };
    };
    const [without, withMtp] = [await plan(0), await plan(1)];
    // One more MoE layer (plus its projection and a second head pass) on top of four.
    expect(withMtp.best.estimate.modelFlopsPerStep).toBeGreaterThan(
      without.best.estimate.modelFlopsPerStep * 1.2,
    );
    const argv = withMtp.best.exports.megatron.argv;
    expect(argv[argv.indexOf('--mtp-num-layers') + 1]).toBe('1');
    expect(without.best.exports.megatron.argv).not.toContain('--mtp-num-layers');
  });
});

describe('EP and CP estimates', () => {
  it('EP 8 spreads the experts and echoes the degrees', async () => {
    const res = await server.post('/v1/estimates', {
      model: moeModel,
      cluster,
      training: { ...training, moe: { routing: 'forced-balance' } },
      strategy: { ...strategy, expertParallel: 8 },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      strategy: { expertParallel: number };
      estimate: { stepTimeSeconds: number; peakMemoryBytesPerGpu: number };
    };
    expect(body.strategy.expertParallel).toBe(8);
    expect(body.estimate.stepTimeSeconds).toBeGreaterThan(0);
  });
  it('CP 4 at 32K cuts activation memory', async () => {
    const base = {
      model: 'llama3-8b',
      cluster: { preset: 'dgx-h100', nodes: 4 },
      training: { globalBatchSize: 8, sequenceLength: 32768 },
    };
    const one = await server.post('/v1/estimates', {
      ...base,
      strategy: { ...strategy, dataParallel: 8, tensorParallel: 4, zeroStage: 1 },
    });
    const four = await server.post('/v1/estimates', {
      ...base,
      strategy: {
        ...strategy,
        dataParallel: 2,
        pipelineParallel: 1,
        tensorParallel: 4,
        contextParallel: 4,
        zeroStage: 1,
      },
    });
    const a = (await one.json()) as EstimateBody;
    const b = (await four.json()) as EstimateBody;
    expect(one.status, a.detail).toBe(200);
    expect(four.status, b.detail).toBe(200);
    // CP 4 keeps a quarter of the activations per GPU (every term linear in s/cp with flash).
    const act = (x: EstimateBody): number => x.estimate?.memoryBytes.activations ?? 0;
    expect(act(b)).toBeLessThan(act(a) / 3);
  });
  it('recomputeModules: echoed, and moe_act + layernorm keep less than the default', async () => {
    const post = (modules?: string[]): Promise<Response> =>
      server.post('/v1/estimates', {
        model: moeModel,
        cluster,
        training: { ...training, moe: { routing: 'forced-balance' } },
        strategy: {
          ...strategy,
          expertParallel: 8,
          recompute: 'selective',
          ...(modules ? { recomputeModules: modules } : {}),
        },
      });
    const plain = (await (await post()).json()) as EstimateBody;
    const res = await post(['moe_act', 'layernorm']);
    expect(res.status).toBe(200);
    const body = (await res.json()) as EstimateBody & { strategy: { recomputeModules?: string[] } };
    expect(body.strategy.recomputeModules).toEqual(['moe_act', 'layernorm']);
    const act = (x: EstimateBody): number => x.estimate?.memoryBytes.activations ?? 0;
    expect(act(body)).toBeLessThan(act(plain));
  });
  it('recomputeModules without recompute selective is a 422 naming the field', async () => {
    const res = await server.post('/v1/estimates', {
      model: moeModel,
      cluster,
      training,
      strategy: { ...strategy, recompute: 'full', recomputeModules: ['moe_act'] },
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { field?: string };
    expect(problem.field).toBe('strategy.recomputeModules');
  });
  it('recomputeModules: an unknown or repeated module is a 400 naming the field', async () => {
    for (const modules of [['attention'], ['moe', 'moe']]) {
      const res = await server.post('/v1/estimates', {
        model: moeModel,
        cluster,
        training,
        strategy: { ...strategy, recompute: 'selective', recomputeModules: modules },
      });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { field?: string };
      expect(problem.field).toMatch(/^strategy\.recomputeModules/);
    }
  });
});
