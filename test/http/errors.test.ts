import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/contract/schemas.js';
import { PROBLEM_JSON, SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile({ pool: false });

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
  const body = Problem.parse(await res.json());
  expect(body.status).toBe(status);
  return body;
}

/** POST /v1/plans with `body`: a problem document with `status`. */
const planProblem = async (body: unknown, status: number) =>
  problem(await server.post('/v1/plans', body), status);
const withCluster = (cluster: unknown) => ({ ...SMALL_PLAN, cluster });
const withTraining = (training: unknown) => ({ ...SMALL_PLAN, training });

describe('request errors are problem documents', () => {
  it('400 for malformed JSON', async () => {
    const body = await problem(await server.post('/v1/plans', '{"model": "llama3-8b",'), 400);
    expect(body.code).toBe('BAD_REQUEST');
    expect(body.detail).toMatch(/^malformed JSON/);
  });

  it('415 for a body that is not JSON', async () => {
    const res = await server.post('/v1/plans', 'model=llama3-8b', { 'content-type': 'text/plain' });
    expect((await problem(res, 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('413 for a 10 MB body', async () => {
    const big = JSON.stringify({ ...SMALL_PLAN, padding: 'x'.repeat(10 * 1024 * 1024) });
    const body = await problem(await server.post('/v1/plans', big), 413);
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('400 naming model for an unknown model, listing valid ids', async () => {
    const res = await server.post('/v1/plans', { ...SMALL_PLAN, model: 'llama9-1t' });
    const body = await problem(res, 400);
    expect(body.code).toBe('UNKNOWN_MODEL');
    expect(body.field).toBe('model');
    expect(body.details?.['validIds']).toContain('llama3-8b');
  });

  it('400 naming cluster.accelerator / cluster.preset for unknown ids', async () => {
    const accelerator = await planProblem(
      withCluster({ accelerator: 'nvidia-h999', gpusPerNode: 8, nodes: 1 }),
      400,
    );
    expect(accelerator.code).toBe('UNKNOWN_ACCELERATOR');
    expect(accelerator.field).toBe('cluster.accelerator');
    expect(accelerator.detail).toMatch(/nvidia-h100-sxm-80gb/);
    const preset = await planProblem(withCluster({ preset: 'dgx-z9', nodes: 1 }), 400);
    expect(preset.code).toBe('UNKNOWN_PRESET');
    expect(preset.field).toBe('cluster.preset');
  });

  it.each([
    ['zero nodes', withCluster({ preset: 'dgx-h100', nodes: 0 }), 'cluster.nodes'],
    ['negative nodes', withCluster({ preset: 'dgx-h100', nodes: -2 }), 'cluster.nodes'],
    ['fractional nodes', withCluster({ preset: 'dgx-h100', nodes: 1.5 }), 'cluster.nodes'],
    [
      'zero gpusPerNode',
      withCluster({ accelerator: 'nvidia-h100-sxm-80gb', gpusPerNode: 0, nodes: 1 }),
      'cluster.gpusPerNode',
    ],
    [
      'zero batch',
      withTraining({ globalBatchSize: 0, sequenceLength: 4096 }),
      'training.globalBatchSize',
    ],
    [
      'fractional sequence',
      withTraining({ globalBatchSize: 64, sequenceLength: 4096.5 }),
      'training.sequenceLength',
    ],
    [
      'zero layers',
      {
        ...SMALL_PLAN,
        model: { transformer: { layers: 0, hiddenSize: 64, heads: 4, vocabSize: 10 } },
      },
      'model.transformer.layers',
    ],
    [
      'huge hidden size',
      {
        ...SMALL_PLAN,
        model: { transformer: { layers: 2, hiddenSize: 1e9, heads: 4, vocabSize: 10 } },
      },
      'model.transformer.hiddenSize',
    ],
    ['topK over 50', { ...SMALL_PLAN, search: { topK: 51 } }, 'search.topK'],
    [
      'too many candidates',
      { ...SMALL_PLAN, search: { maxCandidates: 1e6 } },
      'search.maxCandidates',
    ],
    ['unknown field', { ...SMALL_PLAN, serach: {} }, ''],
  ])('400 for %s, naming the field', async (_name, body, field) => {
    const res = await problem(await server.post('/v1/plans', body), 400);
    expect(res.code).toBe('VALIDATION_FAILED');
    if (field !== '') expect(res.field).toBe(field);
    expect(res.issues?.length).toBeGreaterThan(0);
  });

  it('400 naming the HF config field for an invalid Hugging Face config', async () => {
    const res = await server.post('/v1/plans', {
      ...SMALL_PLAN,
      model: { huggingFaceConfig: { model_type: 'llama', hidden_size: 4096 } },
    });
    const body = await problem(res, 400);
    expect(body.field).toMatch(/^model\.huggingFaceConfig\./);
  });

  it('400 naming cluster.nodes for a 1,000,000-GPU cluster', async () => {
    const custom = await planProblem(
      withCluster({ accelerator: 'nvidia-h100-sxm-80gb', gpusPerNode: 8, nodes: 125_000 }),
      400,
    );
    expect(custom.field).toBe('cluster.nodes');
    const preset = await planProblem(withCluster({ preset: 'dgx-h100', nodes: 65_536 }), 400);
    expect(preset.field).toBe('cluster.nodes');
    expect(preset.detail).toMatch(/524288 GPUs exceeds the limit of 65536/);
  });

  it('404 for an unknown route and an unknown zoo model', async () => {
    expect((await problem(await fetch(`${server.url}/v2/nope`), 404)).code).toBe('NOT_FOUND');
    expect((await problem(await fetch(`${server.url}/v1/models/nope`), 404)).code).toBe(
      'NOT_FOUND',
    );
  });

  it('never leaks internals', () => {
    expect(server.logged).toEqual([]);
  });
});
