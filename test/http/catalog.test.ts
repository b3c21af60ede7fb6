import { describe, expect, it } from 'vitest';
import { serverForFile } from './server.js';

const server = serverForFile({ pool: false });

const getJson = async (path: string): Promise<Record<string, unknown>> => {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

describe('read-only endpoints', () => {
  it('GET /healthz', async () => {
    expect(await getJson('/healthz')).toEqual({ status: 'ok' });
  });

  it('GET /v1/models lists the zoo with parameter counts', async () => {
    const { models } = (await getJson('/v1/models')) as { models: Record<string, unknown>[] };
    const llama = models.find((m) => m['id'] === 'llama3-8b');
    expect(llama).toMatchObject({ layers: 32, hiddenSize: 4096, heads: 32, kvHeads: 8 });
    expect(llama?.['parameterCount']).toBeGreaterThan(7.9e9);
    expect(llama?.['parameterCount']).toBeLessThan(8.1e9);
  });

  it('GET /v1/models/{id} returns the spec and parameter breakdown', async () => {
    const body = await getJson('/v1/models/llama3-8b');
    const parameters = body['parameters'] as Record<string, number>;
    expect(parameters['total']).toBe(
      (parameters['embedding'] ?? 0) +
        32 * (parameters['perLayer'] ?? 0) +
        (parameters['head'] ?? 0),
    );
    expect(body['spec']).toMatchObject({ layers: 32, gatedMlp: true, norm: 'rmsnorm' });
  });

  it('GET /v1/accelerators and /v1/clusters', async () => {
    const { accelerators } = (await getJson('/v1/accelerators')) as {
      accelerators: Record<string, unknown>[];
    };
    const h100 = accelerators.find((a) => a['id'] === 'nvidia-h100-sxm-80gb');
    expect(h100?.['memoryBytes']).toBe(80 * 2 ** 30);
    expect((h100?.['peakFlopsPerSecond'] as Record<string, number>)['bf16']).toBeGreaterThan(9e14);
    const { clusters } = (await getJson('/v1/clusters')) as { clusters: Record<string, unknown>[] };
    expect(clusters.map((c) => c['id'])).toEqual(
      expect.arrayContaining(['dgx-v100', 'dgx-a100-80gb', 'dgx-h100', 'dgx-h200', 'dgx-b200']),
    );
  });

  it('GET /openapi.json is the contract', async () => {
    const doc = await getJson('/openapi.json');
    expect(doc['openapi']).toBe('3.1.0');
    expect(Object.keys(doc['paths'] as object)).toContain('/v1/plans');
  });

  it('GET /docs is a self-contained HTML page', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/);
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/https?:\/\/(?!strata)/);
  });
});
