/**
 * Embedded pool vs Redis + 2 `strata worker` processes on the same 50-scenario study: equal rows.
 * Then a worker is SIGKILLed mid-study and every scenario still arrives (BullMQ stalled retry).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { createBullmqExecutor } from '../../src/service/studies/executor/bullmq.js';
import {
  createProcessPoolExecutor,
  createThreadPoolExecutor,
} from '../../src/service/studies/executor/thread-pool.js';
import type { ScenarioExecutor } from '../../src/service/studies/executor/types.js';
import type { StudySnapshot } from '../../src/service/studies/study-service.js';
import { createStudyService } from '../../src/service/studies/study-service.js';
import { openRedisStore } from '../../src/service/studies/store/redis.js';
import { openSqliteStore } from '../../src/service/studies/store/sqlite.js';
import type { StudyStore } from '../../src/service/studies/store/types.js';
import type { RedisHandle } from '../setup/redis.js';
import { startRedis } from '../setup/redis.js';
import { FIFTY_SCENARIOS } from './fixtures.js';
import { startStudyWorker } from './start-worker.js';

const catalog = loadProfileCatalog();
let redis: RedisHandle;
const workers: ChildProcess[] = [];

const startWorker = (url: string): Promise<ChildProcess> =>
  startStudyWorker(url, workers, {}, ['npx', 'tsx']);

async function runStudy(
  spec: unknown,
  store: StudyStore,
  executor: ScenarioExecutor,
  onProgress?: (done: number) => void,
): Promise<StudySnapshot> {
  const service = createStudyService({ catalog, store, executor });
  const { id } = await service.submit(spec);
  if (onProgress !== undefined)
    service.subscribe(id, (e) => e.type === 'progress' && onProgress(e.progress.done));
  await service.settled(id);
  const snapshot = await service.get(id);
  if (snapshot === null) throw new Error('study vanished');
  return snapshot;
}

beforeAll(async () => {
  redis = await startRedis();
  await Promise.all([startWorker(redis.url), startWorker(redis.url)]);
}, 60_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
  await Promise.all(
    workers.map((w) =>
      w.exitCode !== null || w.signalCode !== null
        ? Promise.resolve()
        : new Promise((r) => w.once('exit', r)),
    ),
  );
  await redis?.stop();
});

describe('distributed studies', () => {
  let embedded: StudySnapshot;

  it('runs 50 scenarios on the embedded pool and on Redis + 2 workers with equal results', async () => {
    const pool = createThreadPoolExecutor(catalog, 2);
    const started = performance.now();
    embedded = await runStudy(FIFTY_SCENARIOS, await openSqliteStore({ filePath: null }), pool);
    const embeddedMs = performance.now() - started;
    await pool.close();

    const store = await openRedisStore(redis.url);
    const bull = await createBullmqExecutor(redis.url);
    const t = performance.now();
    const distributed = await runStudy(FIFTY_SCENARIOS, store, bull);
    const redisMs = performance.now() - t;
    await bull.close();
    await store.close();

    process.stderr.write(
      `50 scenarios: embedded ${embeddedMs.toFixed(0)} ms, redis+2 workers ${redisMs.toFixed(0)} ms\n`,
    );
    expect(embedded.status).toBe('done');
    expect(embedded.results).toHaveLength(50);
    expect(embedded.results.filter((r) => r.error?.reason === 'internal')).toEqual([]);
    expect(embedded.results.filter((r) => r.plan !== null).length).toBeGreaterThan(40);
    expect(distributed.status).toBe('done');
    expect(JSON.stringify(distributed.results)).toBe(JSON.stringify(embedded.results));
  });

  it('the embedded default (low-priority child processes) gives the same rows as threads', async () => {
    const processes = createProcessPoolExecutor(undefined, 2);
    const viaProcesses = await runStudy(
      FIFTY_SCENARIOS,
      await openSqliteStore({ filePath: null }),
      processes,
    );
    await processes.close();
    expect(JSON.stringify(viaProcesses.results)).toBe(JSON.stringify(embedded.results));
  });

  it('loses nothing when a worker is SIGKILLed mid-study', async () => {
    // A different search budget: new scenario keys, so nothing comes from the cache or old jobs.
    const spec = { ...FIFTY_SCENARIOS, search: { maxCandidates: 1500 } };
    const store = await openRedisStore(redis.url);
    const bull = await createBullmqExecutor(redis.url);
    const [victim] = workers;
    let killed = false;
    const snapshot = await runStudy(spec, store, bull, (done) => {
      if (!killed && done >= 5) {
        killed = true;
        victim?.kill('SIGKILL');
      }
    });
    await bull.close();
    await store.close();
    expect(killed).toBe(true);
    expect(snapshot.status).toBe('done');
    expect(snapshot.results.map((r) => r.scenario.index)).toEqual([...Array(50).keys()]);
    expect(snapshot.results.filter((r) => r.error?.reason === 'internal')).toEqual([]);
  });
});
