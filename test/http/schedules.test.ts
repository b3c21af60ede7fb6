/** POST /v1/schedules and GET /v1/plans/{id}/schedule (issue #3), over HTTP. */
import { describe, expect, it } from 'vitest';
import { PlanResponse, Problem, ScheduleResponse } from '../../src/contract/schemas.js';
import { PROBLEM_JSON, SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile({ pool: false });

const CSV_CELL = /^(\d+)(F|I|W|B)(\d+)$/;

describe('POST /v1/schedules', () => {
  it('1f1b p=4 m=8 with uniform times: bubble (p−1)/(m+p−1) = 3/11', async () => {
    const res = await server.post('/v1/schedules', {
      stages: 4,
      microBatches: 8,
      schedule: '1f1b',
    });
    expect(res.status).toBe(200);
    const body = ScheduleResponse.parse(await res.json());
    expect(body.ranks).toHaveLength(4);
    expect(body.ranks[0]?.actions.slice(0, 2)).toEqual(['0F0', '0F1']);
    for (const r of body.ranks) expect(r.actions).toHaveLength(16);
    expect(body.timeline).toHaveLength(64);
    expect(body.bubbleFraction).toBeCloseTo(3 / 11, 12);
    // F = 1 ms, B = I + W = 2 ms: (m + p − 1) · 3 ms.
    expect(body.makespanSeconds).toBeCloseTo(0.033, 12);
    expect(body.peakActivationsInFlight).toEqual([4, 3, 2, 1]);
  });

  it('zb-h1 uses F, I and W actions and honours stageTimes', async () => {
    const res = await server.post('/v1/schedules', {
      stages: 2,
      microBatches: 4,
      schedule: 'zb-h1',
      stageTimes: {
        forwardSeconds: [0.001, 0.001],
        backwardInputSeconds: [0.001, 0.001],
        backwardWeightSeconds: [0.001, 0.001],
      },
    });
    const body = ScheduleResponse.parse(await res.json());
    expect(new Set(body.ranks.flatMap((r) => r.actions.map((a) => a.replace(/\d/g, ''))))).toEqual(
      new Set(['F', 'I', 'W']),
    );
  });

  it.each([
    ['csv', /^text\/csv/],
    ['trace', /^application\/json/],
    ['svg', /^image\/svg\+xml/],
  ])('?format=%s answers %s', async (format, type) => {
    const res = await server.post(`/v1/schedules?format=${format}`, {
      stages: 4,
      microBatches: 8,
      schedule: 'zb-h1',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    const text = await res.text();
    if (format === 'svg') expect(text.startsWith('<svg')).toBe(true);
    if (format === 'trace') expect(JSON.parse(text)).toHaveProperty('traceEvents');
    if (format === 'csv') {
      const rows = text.trim().split('\n');
      expect(rows).toHaveLength(4);
      for (const cell of rows.flatMap((r) => r.split(',')).filter((c) => c !== '')) {
        expect(cell).toMatch(CSV_CELL);
      }
    }
  });

  it.each([
    [{ stages: 129, microBatches: 8, schedule: '1f1b' }, 'stages'],
    [{ stages: 4, microBatches: 1025, schedule: '1f1b' }, 'microBatches'],
    [{ stages: 128, microBatches: 1024, schedule: 'zb-h1' }, 'microBatches'],
    [{ stages: 4, microBatches: 6, schedule: 'interleaved-1f1b' }, 'microBatches'],
    [{ stages: 4, microBatches: 8, schedule: '1f1b', slices: 2 }, 'slices'],
    [
      {
        stages: 2,
        microBatches: 4,
        schedule: '1f1b',
        stageTimes: { forwardSeconds: [1], backwardInputSeconds: [1], backwardWeightSeconds: [1] },
      },
      'stageTimes.forwardSeconds',
    ],
  ])('400 naming the field: %j', async (body, field) => {
    const res = await server.post('/v1/schedules', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(Problem.parse(await res.json()).field).toBe(field);
  });
});

describe('GET /v1/plans/{id}/schedule', () => {
  it('simulates a cached pipelined plan in each format', async () => {
    const res = await server.post('/v1/plans', {
      ...SMALL_PLAN,
      search: { topK: 0, constraints: { pipelineParallel: [2] } },
    });
    const plan = PlanResponse.parse(await res.json());
    expect(plan.best.schedule?.numRanks).toBe(2);
    const json = await fetch(`${server.url}/v1/plans/${plan.id}/schedule`);
    const body = ScheduleResponse.parse(await json.json());
    expect(body.stages).toBe(2);
    expect(body.ranks.map((r) => r.actions)).toEqual(plan.best.schedule?.ranks);
    const svg = await fetch(`${server.url}/v1/plans/${plan.id}/schedule?format=svg`);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect((await svg.text()).startsWith('<svg')).toBe(true);
  });

  it('a plan without pipelining is 422 no-pipeline', async () => {
    const res = await server.post('/v1/plans', {
      ...SMALL_PLAN,
      search: { topK: 0, constraints: { pipelineParallel: [1] } },
    });
    const { id } = PlanResponse.parse(await res.json());
    const sched = await fetch(`${server.url}/v1/plans/${id}/schedule?format=csv`);
    expect(sched.status).toBe(422);
    expect(Problem.parse(await sched.json()).details?.['reason']).toBe('no-pipeline');
  });
});
