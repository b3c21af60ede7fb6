/**
 * "Safe on bad input": a table of malformed or impossible requests across every POST endpoint.
 * Each must answer 4xx application/problem+json with a detail (and, where one field is at fault,
 * the field) — never a 500 or a hang.
 */
import { describe, expect, it } from 'vitest';
import { PROBLEM_JSON, serverForFile } from './server.js';

const model = 'llama3-8b';
const cluster = { preset: 'dgx-h100', nodes: 1 };
const training = { globalBatchSize: 64, sequenceLength: 4096 };
const strategy = { dataParallel: 8, tensorParallel: 1, pipelineParallel: 1, microBatchSize: 1 };

const cases: [string, string, unknown, string | null][] = [
  [
    'plans: hidden not divisible by heads',
    '/v1/plans',
    {
      model: { transformer: { layers: 2, hiddenSize: 1000, heads: 3, vocabSize: 100 } },
      cluster,
      training,
    },
    'model.transformer.heads',
  ],
  [
    'plans: layers as a string',
    '/v1/plans',
    {
      model: { transformer: { layers: 'two', hiddenSize: 1024, heads: 8, vocabSize: 100 } },
      cluster,
      training,
    },
    'model.transformer.layers',
  ],
  [
    'plans: nodes as a string',
    '/v1/plans',
    { model, cluster: { preset: 'dgx-h100', nodes: '4' }, training },
    'cluster.nodes',
  ],
  [
    'plans: sequence length 0',
    '/v1/plans',
    { model, cluster, training: { ...training, sequenceLength: 0 } },
    'training.sequenceLength',
  ],
  [
    'plans: unknown precision',
    '/v1/plans',
    { model, cluster, training: { ...training, precision: 'fp4' } },
    'training.precision',
  ],
  [
    'plans: unknown framework',
    '/v1/plans',
    { model, cluster, training: { ...training, framework: 'jax' } },
    'training.framework',
  ],
  [
    'plans: tp pinned to 3',
    '/v1/plans',
    { model, cluster, training, search: { constraints: { tensorParallel: [3] } } },
    null,
  ],
  [
    'plans: HF config without heads',
    '/v1/plans',
    {
      model: {
        huggingFaceConfig: {
          model_type: 'llama',
          hidden_size: 4096,
          num_hidden_layers: 2,
          vocab_size: 100,
          intermediate_size: 11008,
        },
      },
      cluster,
      training,
    },
    'model.huggingFaceConfig.num_attention_heads',
  ],
  ['plans: extra top-level field', '/v1/plans', { model, cluster, training, extra: 1 }, null],
  ['plans: array body', '/v1/plans', [1, 2, 3], null],
  [
    'estimates: layersPerStage of the wrong length',
    '/v1/estimates',
    {
      model,
      cluster,
      training,
      strategy: { ...strategy, pipelineParallel: 2, dataParallel: 4, layersPerStage: [1, 2, 3] },
    },
    'strategy.layersPerStage',
  ],
  [
    'estimates: ZeRO stage 4',
    '/v1/estimates',
    { model, cluster, training, strategy: { ...strategy, zeroStage: 4 } },
    'strategy.zeroStage',
  ],
  [
    'estimates: slices without seq-slice',
    '/v1/estimates',
    { model, cluster, training, strategy: { ...strategy, sequenceSlices: 2 } },
    'strategy.sequenceSlices',
  ],
  [
    'estimates: zb-v with 3 chunks',
    '/v1/estimates',
    {
      model,
      cluster,
      training,
      strategy: {
        ...strategy,
        pipelineParallel: 2,
        dataParallel: 4,
        schedule: 'zb-v',
        virtualStages: 3,
      },
    },
    'strategy.virtualStages',
  ],
  [
    'schedules: zero stages',
    '/v1/schedules',
    { stages: 0, microBatches: 4, schedule: '1f1b' },
    'stages',
  ],
  [
    'schedules: unknown schedule',
    '/v1/schedules',
    { stages: 4, microBatches: 4, schedule: 'zb-h3' },
    'schedule',
  ],
  [
    'schedules: interleaved m not a multiple of p',
    '/v1/schedules',
    { stages: 4, microBatches: 6, schedule: 'interleaved-1f1b', virtualStages: 2 },
    'microBatches',
  ],
  [
    'cluster selection: empty inventory',
    '/v1/cluster-selections',
    { model, training, inventory: [], budgetUsdPerHour: 10 },
    'inventory',
  ],
];

const server = serverForFile();

describe('bad input answers 4xx problem+json naming the field', () => {
  it.each(cases)('%s', async (_name, path, body, field) => {
    const res = await server.post(path, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = (await res.json()) as { detail?: string; field?: string };
    expect(problem.detail?.length ?? 0).toBeGreaterThan(0);
    if (field !== null) expect(problem.field).toBe(field);
  });
});
