/** Plan ids, GET /v1/plans/{id} and exports of cached plans (issue #7), over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanExport, PlanResponse, Problem } from '../../src/contract/schemas.js';
import type { ApiPlanExport } from '../../src/contract/schemas.js';
import { PROBLEM_JSON, SMALL_PLAN, startServer } from './server.js';
import type { TestServer } from './server.js';

let server: TestServer;
let planId: string;
let best: PlanResponse['best'];
beforeAll(async () => {
  server = await startServer();
  const res = await server.post('/v1/plans', { ...SMALL_PLAN, search: { topK: 2 } });
  const body = PlanResponse.parse(await res.json());
  planId = body.id;
  best = body.best;
});
afterAll(async () => {
  await server.close();
});

const get = (path: string) => fetch(`${server.url}${path}`);

async function exported(format: string, query = ''): Promise<ApiPlanExport> {
  const res = await get(`/v1/plans/${planId}/export?format=${format}${query}`);
  expect(res.status).toBe(200);
  return PlanExport.parse(await res.json());
}

describe('plan ids', () => {
  it('POST answers a sha256 id; GET /v1/plans/{id} answers the same body', async () => {
    expect(planId).toMatch(/^[0-9a-f]{64}$/);
    const again = await server.post('/v1/plans', { ...SMALL_PLAN, search: { topK: 2 } });
    const posted = PlanResponse.parse(await again.json());
    expect(posted.id).toBe(planId);
    const res = await get(`/v1/plans/${planId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(posted);
  });

  it('a different request gets a different id', async () => {
    const res = await server.post('/v1/plans', { ...SMALL_PLAN, search: { topK: 1 } });
    expect(PlanResponse.parse(await res.json()).id).not.toBe(planId);
  });

  it('answers 404 problem+json naming id for an unknown plan', async () => {
    const res = await get(`/v1/plans/${'0'.repeat(64)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('NOT_FOUND');
    expect(problem.field).toBe('id');
  });

  it('the plan carries its simulated schedule (or null without pipelining)', () => {
    if (best.strategy.pipelineParallel === 1) expect(best.schedule).toBeNull();
    else expect(best.schedule?.ranks.length).toBe(best.strategy.pipelineParallel);
  });
});

describe('GET /v1/plans/{id}/export', () => {
  it('megatron: argv with the parallel sizes, and a launch command', async () => {
    const e = await exported('megatron');
    if (e.format !== 'megatron') throw new Error('wrong format');
    const tp = e.argv.indexOf('--tensor-model-parallel-size');
    expect(tp).toBeGreaterThanOrEqual(0);
    expect(e.argv[tp + 1]).toBe(String(best.strategy.tensorParallel));
    expect(e.text).toContain('--tensor-model-parallel-size');
  });

  it('megatron arguments.py: tp > 1 launches with CUDA_DEVICE_MAX_CONNECTIONS=1 in env and text', async () => {
    const e = await exported('megatron');
    if (e.format !== 'megatron') throw new Error('wrong format');
    if (best.strategy.tensorParallel > 1) {
      expect(e.env).toEqual({ CUDA_DEVICE_MAX_CONNECTIONS: '1' });
      expect(e.text).toContain('CUDA_DEVICE_MAX_CONNECTIONS=1');
    } else {
      expect(e.env).toEqual({});
    }
  });

  it('deepspeed: train_batch_size = micro × accumulation × dp', async () => {
    const e = await exported('deepspeed');
    if (e.format !== 'deepspeed') throw new Error('wrong format');
    const c = e.config;
    const s = best.strategy;
    expect(c['train_batch_size']).toBe(64);
    expect(c['train_micro_batch_size_per_gpu']).toBe(s.microBatchSize);
    expect(
      (c['train_micro_batch_size_per_gpu'] as number) *
        (c['gradient_accumulation_steps'] as number) *
        s.dataParallel,
    ).toBe(64);
    expect(JSON.parse(e.text)).toEqual(c);
    expect(e.command).toContain('--deepspeed_config');
    expect(e.script).toContain('deepspeed.initialize');
    if (s.pipelineParallel > 1) {
      expect(e.launch.topology).toEqual({
        numPp: s.pipelineParallel,
        numMp: s.tensorParallel,
        numDp: s.dataParallel,
      });
    }
  });

  it('torchtitan, torchrun: JSON with text', async () => {
    const titan = await exported('torchtitan');
    expect(titan.format === 'torchtitan' && titan.overrides.length).toBeGreaterThan(0);
    const run = await exported('torchrun');
    expect(run.text).toContain('torchrun');
  });

  it('rankmap: one entry per GPU; text is the map as JSON', async () => {
    const e = await exported('rankmap');
    if (e.format !== 'rankmap') throw new Error('wrong format');
    expect(e.ranks).toHaveLength(16);
    expect(JSON.parse(e.text)).toMatchObject({ summary: { worldSize: 16 } });
  });

  it('exports an alternative; out of range is 400 naming alternative', async () => {
    const e = await exported('megatron', '&alternative=0');
    expect(e.format).toBe('megatron');
    const res = await get(`/v1/plans/${planId}/export?format=megatron&alternative=9`);
    expect(res.status).toBe(400);
    expect(Problem.parse(await res.json()).field).toBe('alternative');
  });

  it('an unknown format is 400 naming format', async () => {
    const res = await get(`/v1/plans/${planId}/export?format=fairseq`);
    expect(res.status).toBe(400);
    expect(Problem.parse(await res.json()).field).toBe('format');
  });

  it('a ZeRO-3 plan to megatron is 422 with the exporter reason and field', async () => {
    // Megatron-LM has no ZeRO-3, so the planner only proposes it for DeepSpeed / FSDP.
    const res = await server.post('/v1/plans', {
      ...SMALL_PLAN,
      training: { ...SMALL_PLAN.training, framework: 'deepspeed' },
      search: { topK: 0, constraints: { zeroStage: [3], pipelineParallel: [1] } },
    });
    const { id } = PlanResponse.parse(await res.json());
    const exp = await get(`/v1/plans/${id}/export?format=megatron`);
    expect(exp.status).toBe(422);
    expect(exp.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await exp.json());
    expect(problem.code).toBe('INFEASIBLE');
    expect(problem.field).toBe('strategy.zeroStage');
    expect(problem.details?.['reason']).toBe('unsupported-feature');
    expect(problem.detail).toMatch(/ZeRO|zero/i);
  });
});

describe('inline exports', () => {
  it('search.exports and ?exports= add best.exports', async () => {
    const res = await server.post('/v1/plans?exports=rankmap', {
      ...SMALL_PLAN,
      search: { topK: 0, exports: ['megatron', 'deepspeed'] },
    });
    expect(res.status).toBe(200);
    const body = PlanResponse.parse(await res.json());
    expect(Object.keys(body.best.exports ?? {}).sort()).toEqual([
      'deepspeed',
      'megatron',
      'rankmap',
    ]);
    expect(body.best.exports?.megatron?.argv).toContain('--tensor-model-parallel-size');
    expect(body.alternatives).toEqual([]);
  });

  it('an unknown ?exports= format is 400', async () => {
    const res = await server.post('/v1/plans?exports=megatron,nope', SMALL_PLAN);
    expect(res.status).toBe(400);
    expect(Problem.parse(await res.json()).field).toMatch(/^exports/);
  });
});
