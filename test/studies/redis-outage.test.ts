/**
 * Redis stopped mid-study (issue #17): study endpoints answer 503 with Retry-After at once instead
 * of hanging; a `strata worker` still exits on SIGTERM; when Redis comes back — empty, since it
 * keeps nothing on disk here — the in-flight study is written again, finishes with every row, and
 * GET /v1/studies/{id} answers it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { errorHandler, notFound } from '../../src/http/middleware.js';
import { createStudiesRouter } from '../../src/http/study-routes.js';
import { createBullmqExecutor } from '../../src/service/studies/executor/bullmq.js';
import { createStudyService } from '../../src/service/studies/study-service.js';
import { openRedisStore } from '../../src/service/studies/store/redis.js';
import { startRedis } from '../setup/redis.js';
import { FIFTY_SCENARIOS } from './fixtures.js';
import { startStudyWorker } from './start-worker.js';

const children: ChildProcess[] = [];

/** redis-server on a given port, nothing kept on disk. */
async function redisOn(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  children.push(child);
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start on ${port}`);
}

const stopped = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

const startWorker = (url: string): Promise<ChildProcess> =>
  startStudyWorker(url, children, { STRATA_WORKER_GRACE_MS: '2000' });

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(children.map(stopped));
});

describe('Redis outage', () => {
  it('fails fast with 503, keeps the in-flight study, and finishes it when Redis returns', async () => {
    const first = await startRedis();
    await first.stop();
    const port = first.port;
    let redis = await redisOn(port);
    const url = `redis://127.0.0.1:${port}`;
    const [worker, spare] = await Promise.all([startWorker(url), startWorker(url)]);

    const catalog = loadProfileCatalog();
    const store = await openRedisStore(url);
    const executor = await createBullmqExecutor(url);
    const studies = createStudyService({ catalog, store, executor });
    const app = express();
    app.use(createStudiesRouter({ studies }));
    app.use(notFound);
    app.use(errorHandler(() => undefined));
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const spec = { ...FIFTY_SCENARIOS, search: { maxCandidates: 1400 } };
    const { id } = await studies.submit(spec);
    await new Promise<void>((resolve) => {
      const off = studies.subscribe(id, (e) => {
        if (e.type === 'progress' && e.progress.done >= 5) {
          off();
          resolve();
        }
      });
    });
    redis.kill('SIGKILL');
    await stopped(redis);

    const t0 = performance.now();
    const during = await fetch(`${base}/v1/studies/${id}`);
    const waitedMs = performance.now() - t0;
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await during.json()) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
    expect(waitedMs).toBeLessThan(5000);

    // A worker told to stop while Redis is down still exits.
    spare?.kill('SIGTERM');
    expect(await stopped(spare)).toBe(0);

    redis = await redisOn(port);
    await studies.settled(id);
    const after = await fetch(`${base}/v1/studies/${id}`);
    expect(after.status).toBe(200);
    const body = (await after.json()) as { status: string; results: { error: unknown }[] };
    expect(body.status).toBe('done');
    expect(body.results).toHaveLength(50);
    expect(
      body.results.filter((r) => (r.error as { reason?: string } | null)?.reason === 'internal'),
    ).toEqual([]);

    await new Promise((r) => server.close(r));
    await studies.close();
    await executor.close();
    await store.close();
    worker?.kill('SIGTERM');
    await stopped(worker);
  }, 180_000);
});
