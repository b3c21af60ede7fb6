/**
 * Heterogeneous clusters over HTTP (issue #5): cluster.groups / cluster.mix on POST /v1/plans,
 * objective cheapest and prices, exports of mixed plans, and POST /v1/cluster-selections.
 */
import { describe, expect, it } from 'vitest';
import {
  ClusterSelectionResponse,
  HeteroPlanResponse,
  PlanResponse,
  Problem,
} from '../../src/contract/schemas.js';
import { PROBLEM_JSON, serverForFile } from './server.js';

const server = serverForFile();

const TRAINING = { globalBatchSize: 256, sequenceLength: 2048 };
const MIX = { model: 'gpt-1.7b', cluster: { mix: 'mix-a100-v100' }, training: TRAINING };
/** A small mix whose best plan is a heterogeneous pipeline (A100 stage + V100 stage). */
const PIPELINE = {
  model: 'gpt-1.7b',
  cluster: {
    groups: [
      { preset: 'dgx-a100-80gb', nodes: 1 },
      { preset: 'dgx-v100', nodes: 2 },
    ],
    interGroup: { bandwidthGBps: 25, latencyMicroseconds: 20 },
  },
  training: { globalBatchSize: 128, sequenceLength: 2048 },
};
const V100 = 'nvidia-v100-sxm2-32gb';

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
  return Problem.parse(await res.json());
}

describe('POST /v1/plans with cluster.groups / cluster.mix', () => {
  it('a one-group cluster is the plain preset request (same id, strategy, step time)', async () => {
    const plain = { model: 'zb-1.5b', cluster: { preset: 'dgx-a100-80gb', nodes: 1 } };
    const training = { globalBatchSize: 64, sequenceLength: 1024 };
    const a = PlanResponse.parse(
      await (await server.post('/v1/plans', { ...plain, training })).json(),
    );
    const grouped = { model: 'zb-1.5b', cluster: { groups: [plain.cluster] }, training };
    const res = await server.post('/v1/plans', grouped);
    expect(res.status).toBe(200);
    const b = PlanResponse.parse(await res.json());
    expect(b.id).toBe(a.id);
    expect(b.best.strategy).toEqual(a.best.strategy);
    expect(b.best.estimate.stepTimeSeconds).toBe(a.best.estimate.stepTimeSeconds);
  });

  it('cluster.mix answers a HeteroPlanResponse; a homogeneous best exports as v1', async () => {
    const res = await server.post('/v1/plans', MIX);
    expect(res.status).toBe(200);
    const body = HeteroPlanResponse.parse(await res.json());
    const { best } = body;
    expect(['hetero-pipeline', 'hetero-data-parallel', 'homogeneous']).toContain(best.kind);
    expect(best.gpusPerGroup).toHaveLength(2);
    expect(best.gpusUsed).toBe(best.gpusPerGroup.reduce((a, n) => a + n, 0));
    expect(best.stepTimeSeconds).toBeGreaterThan(0);
    expect(best.launcher.notes.length).toBeGreaterThan(0);
    if (best.kind === 'homogeneous') {
      expect(best.homogeneousPlan?.estimate.stepTimeSeconds).toBe(best.stepTimeSeconds);
      const exp = await fetch(`${server.url}/v1/plans/${body.id}/export?format=megatron`);
      expect(exp.status).toBe(200);
    }
    const get = await fetch(`${server.url}/v1/plans/${body.id}`);
    expect(HeteroPlanResponse.parse(await get.json()).best).toEqual(best);
  });

  it('a heterogeneous pipeline has per-stage fields; its export answers 422', async () => {
    const res = await server.post('/v1/plans', PIPELINE);
    expect(res.status).toBe(200);
    const body = HeteroPlanResponse.parse(await res.json());
    const stages = body.best.stages ?? [];
    expect(body.best.kind).toBe('hetero-pipeline');
    expect(new Set(stages.map((s) => s.accelerator)).size).toBe(2);
    expect(stages.reduce((a, s) => a + s.numLayers, 0)).toBe(24);
    for (const s of stages) expect(s.peakMemoryBytes).toBeLessThanOrEqual(s.memoryCapacityBytes);
    expect(body.best.launcher.megatronPipelineLayout).toMatch(/^E.*L$/);
    const exp = await fetch(`${server.url}/v1/plans/${body.id}/export?format=megatron`);
    expect(exp.status).toBe(422);
    const p = await problem(exp);
    expect(p.detail).toMatch(/heterogeneous plan: stock launchers cannot express/);
    expect(p.details?.['reason']).toBe('heterogeneous-plan');
  });

  it('objective cheapest: 422 naming search.prices without a V100 price, 200 with it', async () => {
    const search = { objective: 'cheapest' };
    const missing = await server.post('/v1/plans', { ...MIX, search });
    expect(missing.status).toBe(422);
    expect((await problem(missing)).field).toBe('search.prices');
    const priced = { ...MIX, search: { ...search, prices: { [V100]: 0.6 } } };
    const res = await server.post('/v1/plans', priced);
    expect(res.status).toBe(200);
    const { best } = HeteroPlanResponse.parse(await res.json());
    expect(best.costUsdPerHour).toBeGreaterThan(0);
    expect(best.costUsdPerStep).toBeCloseTo(
      ((best.costUsdPerHour ?? 0) * best.stepTimeSeconds) / 3600,
    );
  });

  /** A two-group cluster whose first group is valid, so the second is the one at fault. */
  const afterGoodGroup = (group: Record<string, unknown>) => ({
    groups: [{ preset: 'dgx-v100', nodes: 1 }, group],
  });
  it.each([
    [{ mix: 'mix-nope' }, 'cluster.mix', 'UNKNOWN_PRESET'],
    [
      afterGoodGroup({ preset: 'dgx-v100', nodes: 0 }),
      'cluster.groups[1].nodes',
      'VALIDATION_FAILED',
    ],
    [afterGoodGroup({ preset: 'nope', nodes: 1 }), 'cluster.groups[1].preset', 'UNKNOWN_PRESET'],
    [
      afterGoodGroup({ accelerator: 'nope', gpusPerNode: 8, nodes: 1 }),
      'cluster.groups[1].accelerator',
      'UNKNOWN_ACCELERATOR',
    ],
    [
      {
        groups: [
          { preset: 'dgx-v100', nodes: 5000 },
          { preset: 'dgx-a100-80gb', nodes: 5000 },
        ],
      },
      'cluster.groups',
      'VALIDATION_FAILED',
    ],
  ])('cluster %j → 400 naming %s', async (cluster, field, code) => {
    const res = await server.post('/v1/plans', { ...MIX, cluster });
    expect(res.status).toBe(400);
    const p = await problem(res);
    expect(p.field).toBe(field);
    expect(p.code).toBe(code);
  });

  it('rejects v1-only search options and unknown price ids on a mix', async () => {
    const objective = await server.post('/v1/plans', { ...MIX, search: { objective: 'max-mfu' } });
    expect((await problem(objective)).field).toBe('search.objective');
    const prices = await server.post('/v1/plans', { ...MIX, search: { prices: { nope: 1 } } });
    expect(prices.status).toBe(400);
    expect((await problem(prices)).field).toBe('search.prices.nope');
  });
});

describe('GET /v1/clusters', () => {
  it('lists the cluster mixes next to the presets', async () => {
    const body = (await (await fetch(`${server.url}/v1/clusters`)).json()) as {
      mixes: { id: string; groups: unknown[]; interGroup: { bandwidthBytesPerSecond: number } }[];
    };
    const mix = body.mixes.find((m) => m.id === 'mix-a100-v100');
    expect(mix?.groups).toHaveLength(2);
    expect(mix?.interGroup.bandwidthBytesPerSecond).toBe(12.5e9);
  });
});

describe('POST /v1/cluster-selections', () => {
  const SELECTION = {
    model: 'zb-1.5b',
    training: { globalBatchSize: 64, sequenceLength: 1024 },
    inventory: [
      { preset: 'dgx-a100-80gb', maxNodes: 1 },
      { preset: 'dgx-v100', maxNodes: 1 },
    ],
    interGroup: { bandwidthGBps: 12.5, latencyMicroseconds: 20 },
    prices: { [V100]: 0.6 },
    budgetUsdPerHour: 10,
  };

  it('answers a non-dominated frontier sorted by step time and the choice within budget', async () => {
    const res = await server.post('/v1/cluster-selections', SELECTION);
    expect(res.status).toBe(200);
    const body = ClusterSelectionResponse.parse(await res.json());
    expect(body.clustersEvaluated).toBeGreaterThan(0);
    const f = body.frontier;
    expect(f.length).toBeGreaterThan(0);
    for (let i = 1; i < f.length; i++) {
      expect(f[i]?.stepTimeSeconds ?? 0).toBeLessThan(f[i - 1]?.stepTimeSeconds ?? 0);
      expect(f[i]?.costUsdPerHour ?? 0).toBeGreaterThan(f[i - 1]?.costUsdPerHour ?? 0);
    }
    for (const p of f) expect(p.gpusPerGroup).toEqual(p.nodesPerGroup.map((n) => n * 8));
    expect(body.chosen?.costUsdPerHour).toBeLessThanOrEqual(10);
    const within = f.filter((p) => p.costUsdPerHour <= 10);
    expect(body.chosen?.stepTimeSeconds).toBe(Math.min(...within.map((p) => p.stepTimeSeconds)));
  });

  it('without a price for an inventory accelerator → 422 naming prices', async () => {
    const res = await server.post('/v1/cluster-selections', { ...SELECTION, prices: {} });
    expect(res.status).toBe(422);
    expect((await problem(res)).field).toBe('prices');
  });
});
