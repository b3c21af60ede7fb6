/**
 * Study benchmarks (npx tsx bench/studies.ts):
 *  (a) /healthz latency (p50/p99) while a 500-scenario study runs on the embedded pool;
 *  (b) sweep throughput in scenarios/second with 1 and 2 pool workers.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express from 'express';
import { errorHandler, notFound } from '../src/http/middleware.js';
import { createStudiesRouter } from '../src/http/study-routes.js';
import { loadProfileCatalog } from '../src/hardware-profiles/index.js';
import {
  createProcessPoolExecutor,
  defaultPoolSize,
} from '../src/service/studies/executor/thread-pool.js';
import { createStudyService } from '../src/service/studies/study-service.js';
import { openSqliteStore } from '../src/service/studies/store/sqlite.js';

const catalog = loadProfileCatalog();
const clusters = ['dgx-h100', 'dgx-a100-80gb', 'dgx-h200', 'dgx-b200', 'amd-mi300x-8'].map(
  (preset) => ({ preset, nodes: 1 }),
);
const spec = (batches: number[], maxCandidates: number) => ({
  axes: {
    models: ['gpt-1.7b', 'llama3-8b'],
    clusters,
    nodes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    globalBatchSizes: batches,
  },
  goal: { tokens: 1e11, deadlineDays: 3 },
  training: { sequenceLength: 2048 },
  search: { maxCandidates },
});

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function healthzUnderLoad(): Promise<string[]> {
  const executor = createProcessPoolExecutor();
  const studies = createStudyService({
    catalog,
    store: await openSqliteStore({ filePath: null }),
    executor,
  });
  const app = express();
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(createStudiesRouter({ studies }));
  app.use(notFound);
  app.use(errorHandler(() => undefined));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created = await fetch(`${base}/v1/studies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec([128, 256, 384, 512, 1024], 300)),
  });
  const { id, progress } = (await created.json()) as { id: string; progress: { total: number } };
  const latencies: number[] = [];
  let next = 0;
  const REQUESTS = 500;
  const CONCURRENCY = 4;
  const lane = async (): Promise<void> => {
    while (next++ < REQUESTS) {
      const t = performance.now();
      await (await fetch(`${base}/healthz`)).json();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  loopDelay.disable();
  const doneDuring = (
    (await (await fetch(`${base}/v1/studies/${id}`)).json()) as { progress: { done: number } }
  ).progress.done;
  await studies.settled(id);
  const studySeconds = (performance.now() - t0) / 1000;
  await studies.close();
  await executor.close();
  server.close();
  latencies.sort((a, b) => a - b);
  return [
    `(a) /healthz during a ${progress.total}-scenario study (pool ${defaultPoolSize()} workers, ${REQUESTS} requests, concurrency ${CONCURRENCY}):`,
    `    p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(2)} ms (target p99 < 20 ms); ${doneDuring} scenarios finished while probing; study took ${studySeconds.toFixed(1)} s`,
    `    event-loop delay while probing: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(2)} ms, max ${(loopDelay.max / 1e6).toFixed(2)} ms`,
  ];
}

async function throughput(workers: number): Promise<string> {
  const executor = createProcessPoolExecutor(undefined, workers);
  const studies = createStudyService({
    catalog,
    store: await openSqliteStore({ filePath: null }),
    executor,
  });
  await new Promise((r) => setTimeout(r, 1500)); // let workers boot (tsx) before timing
  const t = performance.now();
  const { id, progress } = await studies.submit(spec([256, 512], 300));
  await studies.settled(id);
  const seconds = (performance.now() - t) / 1000;
  await studies.close();
  await executor.close();
  return `    ${workers} worker${workers > 1 ? 's' : ' '}  ${progress.total} scenarios  ${seconds.toFixed(2)} s  ${(progress.total / seconds).toFixed(1)} scenarios/s`;
}

const lines = [
  ...(await healthzUnderLoad()),
  '(b) sweep throughput (maxCandidates 300 per scenario):',
  await throughput(1),
  await throughput(2),
];
console.log(lines.join('\n'));
