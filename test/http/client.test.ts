/** The typed client (src/client.ts) against the real app on an ephemeral port. */
import { describe, expect, it } from 'vitest';
import { createStrataClient } from '../../src/client.js';
import { SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile({ pool: false });

describe('createStrataClient', () => {
  it('plans, reads the plan back and exports it, typed by openapi.yaml', async () => {
    const strata = createStrataClient(server.url);
    const created = await strata.POST('/v1/plans', {
      body: { ...SMALL_PLAN, search: { topK: 0 } },
    });
    expect(created.response.status).toBe(200);
    const id = created.data?.id ?? '';
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const read = await strata.GET('/v1/plans/{id}', { params: { path: { id } } });
    expect(read.data).toEqual(created.data);
    const launch = await strata.GET('/v1/plans/{id}/export', {
      params: { path: { id }, query: { format: 'megatron' } },
    });
    expect(launch.data?.format).toBe('megatron');
    expect(launch.data?.text).toContain('--tensor-model-parallel-size');
  });

  it('returns the problem document as error; schedules are typed too', async () => {
    const strata = createStrataClient(`${server.url}/`);
    const missing = await strata.GET('/v1/plans/{id}', { params: { path: { id: 'nope' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.code).toBe('NOT_FOUND');
    const schedule = await strata.POST('/v1/schedules', {
      body: { stages: 4, microBatches: 8, schedule: '1f1b' },
    });
    // The operation also declares text/csv and SVG bodies; JSON is the default.
    const data = schedule.data;
    if (typeof data !== 'object') throw new Error('expected the JSON schedule');
    expect(data.bubbleFraction).toBeCloseTo(3 / 11, 12);
  });
});
