import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFound } from '../../src/http/middleware.js';
import { createStudiesRouter } from '../../src/http/study-routes.js';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { createThreadPoolExecutor } from '../../src/service/studies/executor/thread-pool.js';
import type { ScenarioExecutor } from '../../src/service/studies/executor/types.js';
import { createStudyService } from '../../src/service/studies/study-service.js';
import type { StudyService } from '../../src/service/studies/study-service.js';
import { openSqliteStore } from '../../src/service/studies/store/sqlite.js';
import { FIFTY_SCENARIOS, SMALL } from './fixtures.js';

let server: Server;
let base: string;
let executor: ScenarioExecutor;
let studies: StudyService;

beforeAll(async () => {
  const catalog = loadProfileCatalog();
  executor = createThreadPoolExecutor(catalog, 2);
  studies = createStudyService({
    catalog,
    store: await openSqliteStore({ filePath: null }),
    executor,
  });
  const app = express();
  app.use(createStudiesRouter({ studies }));
  app.use(notFound);
  app.use(errorHandler(() => undefined));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await studies.close();
  await executor.close();
  await new Promise((r) => server.close(r));
});

const post = (body: unknown) =>
  fetch(`${base}/v1/studies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('/v1/studies', () => {
  it.each([
    [
      'empty axes',
      { ...SMALL, axes: { ...SMALL.axes, models: [] } },
      'axes.models',
      'VALIDATION_FAILED',
    ],
    [
      'unknown accelerator',
      {
        ...SMALL,
        axes: { ...SMALL.axes, clusters: [{ accelerator: 'tpu-v9', gpusPerNode: 8, nodes: 1 }] },
      },
      'axes.clusters[0]',
      'UNKNOWN_ACCELERATOR',
    ],
    [
      'unknown model',
      { ...SMALL, axes: { ...SMALL.axes, models: ['gpt-9'] } },
      'axes.models[0]',
      'UNKNOWN_MODEL',
    ],
  ])('%s → 400 problem+json naming the field', async (_, body, field, code) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code, field });
  });

  it('10^6 scenarios → 400 naming the count; nothing is created', async () => {
    const range = Array.from({ length: 1000 }, (_, i) => i + 1);
    const res = await post({
      ...SMALL,
      axes: { ...SMALL.axes, nodes: range, globalBatchSizes: range },
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; details: Record<string, unknown> };
    expect(problem.detail).toContain('1000000 scenarios');
    expect(problem.details).toMatchObject({
      reason: 'too-many-scenarios',
      scenarioCount: 1_000_000,
      cap: 2000,
    });
  });

  it('runs a study: 202, identical specs share the id, events, results json/csv, charts', async () => {
    const res = await post(SMALL);
    expect(res.status).toBe(202);
    const created = (await res.json()) as {
      id: string;
      status: string;
      progress: { total: number };
    };
    expect(created.progress.total).toBe(4);
    const again = (await (await post(SMALL)).json()) as { id: string };
    expect(again.id).toBe(created.id);

    const events = await (await fetch(`${base}/v1/studies/${created.id}/events`)).text();
    expect(events.match(/^event: scenario$/gm)).toHaveLength(4);
    expect(events).toMatch(/event: end\ndata: \{"status":"done"/);

    const study = (await (await fetch(`${base}/v1/studies/${created.id}`)).json()) as {
      status: string;
      progress: unknown;
      results: { plan: { strategy: unknown } }[];
      analysis: {
        frontier: unknown[];
        feasibleCount: number;
        models: { model: string; frontier: unknown[]; feasibleCount: number }[];
      };
    };
    expect(study.status).toBe('done');
    expect(study.progress).toEqual({ done: 4, total: 4 });
    expect(study.results[0]?.plan.strategy).toHaveProperty('tensorParallel');
    expect(study.analysis.frontier.length).toBeGreaterThan(0);
    // One model here, so its own analysis is the study's.
    expect(study.analysis.models).toHaveLength(1);
    expect(study.analysis.models[0]?.frontier).toEqual(study.analysis.frontier);
    expect(study.analysis.models[0]?.feasibleCount).toBe(study.analysis.feasibleCount);

    const csv = await (await fetch(`${base}/v1/studies/${created.id}/results?format=csv`)).text();
    expect(csv.split('\r\n')[0]).toContain('timeToTrainDays,gpuHours');
    expect(csv.trim().split('\r\n')).toHaveLength(5);

    for (const chart of ['pareto.svg', 'scaling.svg']) {
      const svg = await fetch(`${base}/v1/studies/${created.id}/charts/${chart}`);
      expect(svg.headers.get('content-type')).toContain('image/svg+xml');
      const text = await svg.text();
      expect(text).toContain('<title>');
      expect(text).toContain('nvidia-h100-sxm-80gb');
    }
    expect((await fetch(`${base}/v1/studies/nope`)).status).toBe(404);
  });

  it('DELETE cancels a running study', async () => {
    const { id } = (await (
      await post({ ...FIFTY_SCENARIOS, search: { maxCandidates: 2000 } })
    ).json()) as { id: string };
    const res = await fetch(`${base}/v1/studies/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('cancelled');
    const study = (await (await fetch(`${base}/v1/studies/${id}`)).json()) as {
      status: string;
      progress: { done: number };
    };
    expect(study.status).toBe('cancelled');
    expect(study.progress.done).toBeLessThan(50);
  });
});
