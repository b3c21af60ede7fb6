/** Test helper: the real app on an ephemeral port, with a real plan worker pool. */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { Server } from 'node:http';
import { createPlanPool } from '../../src/service/worker-pool.js';
import type { PlanPool, PlanPoolOptions } from '../../src/service/worker-pool.js';
import { createApp } from '../../src/http/app.js';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';

export interface TestServer {
  readonly url: string;
  readonly logged: unknown[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** false: plan on the event loop, no worker pool. */
  readonly pool?: boolean;
  readonly planCacheBytes?: number;
  readonly poolOptions?: PlanPoolOptions;
}

export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const catalog = loadProfileCatalog();
  const pool: PlanPool | undefined =
    options.pool === false ? undefined : createPlanPool(options.poolOptions);
  const logged: unknown[] = [];
  const app = createApp({
    catalog,
    ...(pool === undefined ? {} : { pool }),
    ...(options.planCacheBytes === undefined ? {} : { planCacheBytes: options.planCacheBytes }),
    log: (_message, error) => logged.push(error),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logged,
    post: (path, body, headers = { 'content-type': 'application/json' }) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool?.close();
    },
  };
}

/**
 * One server for the calling test file: started before its tests and closed after them. The
 * object returned forwards to it, so tests use it as they would startServer's.
 */
export function serverForFile(options: TestServerOptions = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startServer(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): TestServer => {
    if (started === undefined)
      throw new Error('the test server starts in beforeAll: use it in a test');
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get logged() {
      return current().logged;
    },
    post: (path, body, headers) => current().post(path, body, headers),
    close: () => current().close(),
  };
}

export const SMALL_PLAN = {
  model: 'llama3-8b',
  cluster: { preset: 'dgx-h100', nodes: 2 },
  training: { globalBatchSize: 64, sequenceLength: 4096 },
} as const;

export const PROBLEM_JSON = /^application\/problem\+json/;
