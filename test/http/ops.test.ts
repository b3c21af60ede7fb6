/**
 * Running it as a service (issue #17): request ids and problem documents, the API key, readiness
 * and metrics, admission (429/503 with Retry-After), a plan worker that dies mid-request (503 +
 * respawn), and SIGTERM during a study (drain, exit 0, the study resumes after a restart).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { createPlanPool } from '../../src/service/worker-pool.js';
import { FIFTY_SCENARIOS } from '../studies/fixtures.js';
import { PROBLEM_JSON, SMALL_PLAN } from './server.js';

const catalog = loadProfileCatalog();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function serve(deps: Partial<Parameters<typeof createApp>[0]> = {}): Promise<string> {
  const app = createApp({ catalog, log: () => undefined, ...deps });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('service basics', () => {
  it('echoes X-Request-Id, makes one when absent or unsafe', async () => {
    const base = await serve();
    const mine = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a b;/..' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('STRATA_API_KEY: non-GET routes need the bearer key (401 problem+json), GETs do not', async () => {
    const base = await serve({ apiKey: 's3cret' });
    const without = await postJson(`${base}/v1/estimates`, {});
    expect(without.status).toBe(401);
    expect(without.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await without.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    const wrong = await postJson(`${base}/v1/estimates`, {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const right = await postJson(`${base}/v1/estimates`, {}, { authorization: 'Bearer s3cret' });
    expect(right.status).toBe(400);
    expect((await fetch(`${base}/v1/models`)).status).toBe(200);
  });

  it('/readyz reports its checks; /metrics speaks Prometheus text', async () => {
    const pool = createPlanPool({ size: 1 });
    closers.push(() => pool.close());
    const base = await serve({ pool });
    let ready = await fetch(`${base}/readyz`);
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await fetch(`${base}/readyz`);
    }
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { shutdown: true, planWorkers: true },
    });
    await fetch(`${base}/v1/models`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/strata_http_request_duration_seconds_bucket\{.*route="\/v1\/models"/);
    expect(text).toMatch(/strata_plan_queue_depth\{lane="search"\} 0/);
    expect(text).toMatch(/strata_plan_workers_busy/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('clips echoed input in problem documents', async () => {
    const base = await serve();
    const long = 'x'.repeat(100_000);
    const res = await postJson(`${base}/v1/estimates`, {
      ...SMALL_PLAN,
      model: long,
      strategy: {},
    });
    expect(res.status).toBe(400);
    expect((await res.text()).length).toBeLessThan(5_000);
  });

  it('a client over its concurrent-search quota gets 429 with Retry-After', async () => {
    const base = await serve({ limits: { searchesPerClient: 0 } });
    const res = await postJson(`${base}/v1/plans`, SMALL_PLAN);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { code: string }).code).toBe('TOO_MANY_REQUESTS');
  });
});

describe('a plan worker that dies mid-request', () => {
  it('answers 503 with Retry-After, respawns, and serves the next request', async () => {
    // A heap too small for a top-50 GPT-3 search (it fits in 64 MiB since the search-speed work;
    // a small plan still fits in 32): the worker dies of it, as a killed one would.
    const pool = createPlanPool({ size: 1, heapMiB: 40 });
    closers.push(() => pool.close());
    const base = await serve({ pool });
    const big = {
      model: 'gpt3-175b',
      cluster: { preset: 'dgx-a100-80gb', nodes: 128 },
      training: { globalBatchSize: 1536, sequenceLength: 2048 },
      search: { topK: 50 },
    };
    const res = await postJson(`${base}/v1/plans`, big);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
    const next = await postJson(`${base}/v1/plans`, {
      ...SMALL_PLAN,
      search: { maxCandidates: 50, topK: 1 },
    });
    expect(next.status).toBe(200);
  });
});

describe('a plan worker whose heap stays large after a job', () => {
  it('is swapped for a fresh one between jobs, and the next request is served', async () => {
    // A 1 MiB threshold: every worker heap exceeds it, so each finished job recycles its worker.
    const pool = createPlanPool({ size: 1, recycleHeapMiB: 1 });
    closers.push(() => pool.close());
    const base = await serve({ pool });
    const small = { ...SMALL_PLAN, search: { maxCandidates: 50, topK: 1 } };
    expect((await postJson(`${base}/v1/plans`, small)).status).toBe(200);
    expect(pool.stats().search.recycled).toBe(1);
    const again = await postJson(`${base}/v1/plans`, {
      ...small,
      training: {
        ...SMALL_PLAN.training,
        globalBatchSize: SMALL_PLAN.training.globalBatchSize * 2,
      },
    });
    expect(again.status).toBe(200);
    expect(pool.stats().search.recycled).toBe(2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('strata_plan_workers_recycled{lane="search"} 2');
  });
});

/** The server as `npm start` runs it (through tsx), on an ephemeral port. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      STRATA_DATA_DIR: dataDir,
      STRATA_SHUTDOWN_GRACE_SECONDS: '5',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const address = /"address":"([^"]+)"/.exec(out)?.[1];
      if (address !== undefined) resolve({ child, base: `http://${address}` });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

describe('SIGTERM during a study', () => {
  it('drains, exits 0, and the study resumes when submitted again after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-drain-'));
    const spec = { ...FIFTY_SCENARIOS, search: { maxCandidates: 1300 } };
    const first = await startServer(dataDir);
    const created = (await (await postJson(`${first.base}/v1/studies`, spec)).json()) as {
      id: string;
    };
    for (let done = 0; done < 5;) {
      await new Promise((r) => setTimeout(r, 200));
      const study = (await (await fetch(`${first.base}/v1/studies/${created.id}`)).json()) as {
        progress: { done: number };
      };
      done = study.progress.done;
    }
    const exited = new Promise<number | null>((r) => first.child.once('exit', (code) => r(code)));
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const second = await startServer(dataDir);
    closers.push(async () => {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    });
    const interrupted = (await (await fetch(`${second.base}/v1/studies/${created.id}`)).json()) as {
      status: string;
      progress: { done: number };
    };
    expect(interrupted.status).toBe('failed');
    expect(interrupted.progress.done).toBeGreaterThanOrEqual(5);
    await postJson(`${second.base}/v1/studies`, spec);
    let finished: { status: string; results: { error: { reason: string } | null }[] } | undefined;
    for (let i = 0; i < 600 && finished?.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      finished = (await (
        await fetch(`${second.base}/v1/studies/${created.id}`)
      ).json()) as typeof finished;
    }
    expect(finished?.status).toBe('done');
    expect(finished?.results).toHaveLength(50);
    expect(finished?.results.filter((r) => r.error?.reason === 'internal')).toEqual([]);
  }, 180_000);
});
