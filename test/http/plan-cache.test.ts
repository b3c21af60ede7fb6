/** The plan cache is bounded in bytes (issue #17: 256 big answers exhausted the heap). */
import { describe, expect, it } from 'vitest';
import {
  createPlanCache,
  readPlanDomain,
  storePlanOutcome,
  storedBytes,
} from '../../src/service/plan-cache.js';
import type { StoredPlanOutcome } from '../../src/service/plan-cache.js';
import { PlanResponse } from '../../src/contract/schemas.js';
import { SMALL_PLAN, startServer } from './server.js';

/** An outcome of exactly `bytes` bytes (response + domain). */
function outcomeOf(bytes: number): StoredPlanOutcome {
  return { responseJson: new Uint8Array(bytes - 10), domain: new Uint8Array(10) };
}

describe('byte-bounded plan cache', () => {
  it('evicts least recently used entries until the bytes fit', () => {
    const cache = createPlanCache({ maxBytes: 1000, maxEntryBytes: 600 });
    cache.set('a', outcomeOf(400));
    cache.set('b', outcomeOf(400));
    expect(cache.bytes).toBe(800);
    cache.get('a'); // a is now the most recent
    cache.set('c', outcomeOf(300));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.bytes).toBe(700);
    expect(cache.size).toBe(2);
  });

  it('does not keep an answer larger than maxEntryBytes, and evicts nothing for it', () => {
    const cache = createPlanCache({ maxBytes: 1000, maxEntryBytes: 600 });
    cache.set('a', outcomeOf(500));
    cache.set('huge', outcomeOf(601));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.bytes).toBe(500);
  });

  it('replacing an id counts its bytes once', () => {
    const cache = createPlanCache({ maxBytes: 1000 });
    cache.set('a', outcomeOf(200));
    cache.set('a', outcomeOf(100));
    expect(cache.bytes).toBe(100);
    expect(cache.size).toBe(1);
  });

  it('require answers 404 naming the id when evicted', () => {
    const cache = createPlanCache({ maxBytes: 100 });
    expect(() => cache.require('gone')).toThrow(/no cached plan with id 'gone'/);
  });

  it('stores the response as JSON and the domain plans for exports', () => {
    const stored = storePlanOutcome({ kind: 'operator-graph', response: { id: 'x' } as never });
    expect(JSON.parse(Buffer.from(stored.responseJson).toString('utf8'))).toEqual({ id: 'x' });
    expect(readPlanDomain(stored)).toEqual({ kind: 'operator-graph' });
    expect(storedBytes(stored)).toBe(stored.responseJson.byteLength + stored.domain.byteLength);
  });
});

describe('over HTTP, with a budget too small for any plan', () => {
  it('answers every POST in full but keeps nothing: GET /v1/plans/{id} is 404', async () => {
    const server = await startServer({ planCacheBytes: 1 });
    try {
      const res = await server.post('/v1/plans', { ...SMALL_PLAN, search: { topK: 3 } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const { id } = PlanResponse.parse(await res.json());
      expect(res.headers.get('etag')).toBe(`"${id}"`);
      expect((await fetch(`${server.url}/v1/plans/${id}`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
