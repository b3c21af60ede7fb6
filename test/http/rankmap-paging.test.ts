/** GET /v1/plans/{id}/export?format=rankmap&offset=&limit=: the rank map of a big world in pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanExport, PlanResponse, Problem } from '../../src/contract/schemas.js';
import { startServer } from './server.js';
import type { TestServer } from './server.js';

let server: TestServer;
let planId: string;
/** 640 DGX H100 nodes, every node used: 5,120 ranks, more than one 4,096-rank page. */
const WORLD = 5120;

beforeAll(async () => {
  server = await startServer({ pool: false });
  const res = await server.post('/v1/plans', {
    model: 'llama3-8b',
    cluster: { preset: 'dgx-h100', nodes: 640 },
    training: { globalBatchSize: 5120, sequenceLength: 4096 },
    search: { topK: 0, allowIdleNodes: false, maxCandidates: 2000 },
  });
  const body = PlanResponse.parse(await res.json());
  expect(body.best.worldSize).toBe(WORLD);
  planId = body.id;
});
afterAll(async () => {
  await server.close();
});

async function page(query: string) {
  const res = await fetch(`${server.url}/v1/plans/${planId}/export?format=rankmap${query}`);
  return { status: res.status, body: await res.json() };
}

async function rankMapPage(query: string) {
  const { status, body } = await page(query);
  expect(status).toBe(200);
  const e = PlanExport.parse(body);
  if (e.format !== 'rankmap') throw new Error('wrong format');
  return e;
}

describe('rank map paging', () => {
  it('the first page stops at 4,096 ranks; the summary covers the whole world', async () => {
    const first = await rankMapPage('');
    expect(first.offset).toBe(0);
    expect(first.ranks).toHaveLength(4096);
    expect(first.summary.worldSize).toBe(WORLD);
  });

  it('offset pages through every rank exactly once, in order', async () => {
    const ranks: number[] = [];
    for (let offset = 0; offset < WORLD;) {
      const p = await rankMapPage(`&offset=${offset}`);
      expect(p.offset).toBe(offset);
      ranks.push(...p.ranks.map((r) => r.rank));
      offset += p.ranks.length;
    }
    expect(ranks).toEqual(Array.from({ length: WORLD }, (_, i) => i));
  });

  it('limit bounds a page; its groups are those of the ranks returned', async () => {
    const p = await rankMapPage('&offset=5000&limit=16');
    expect(p.ranks.map((r) => r.rank)).toEqual(Array.from({ length: 16 }, (_, i) => 5000 + i));
    expect(p.ranks[0]?.node).toBe(625);
    for (const group of p.tensorParallelGroups) {
      expect(group.some((r) => r >= 5000 && r < 5016)).toBe(true);
    }
    expect(JSON.parse(p.text)).toMatchObject({ offset: 5000 });
  });

  it.each([
    ['&offset=5120', 'offset'],
    ['&offset=-1', 'offset'],
    ['&limit=0', 'limit'],
    ['&limit=4097', 'limit'],
  ])('%s is 400 naming the parameter', async (query, field) => {
    const { status, body } = await page(query);
    expect(status).toBe(400);
    expect(Problem.parse(body).field).toBe(field);
  });

  it('offset with another format is 400', async () => {
    const res = await fetch(`${server.url}/v1/plans/${planId}/export?format=megatron&offset=8`);
    expect(res.status).toBe(400);
    expect(Problem.parse(await res.json()).field).toBe('offset');
  });
});
