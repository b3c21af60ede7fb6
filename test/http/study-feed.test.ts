/**
 * Study event feeds (src/http/study-feed.ts) over real sockets: every reader gets every row once,
 * in order, then the end frame, though writes are spread over many event-loop turns; a
 * connection that never reads is closed after the stall limit without holding up the readers.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { createStudyFeeds } from '../../src/http/study-feed.js';
import type { StudyFeeds } from '../../src/http/study-feed.js';
import type { StudyService } from '../../src/service/index.js';
import { runScenario } from '../../src/service/studies/run-scenario.js';
import { expandStudy, parseStudySpec } from '../../src/service/studies/scenarios.js';
import { withIndex } from '../../src/service/studies/store/types.js';
import { SMALL } from '../studies/fixtures.js';

// Enough bytes (about 16 MB) to fill loopback socket buffers, so an unread socket really blocks.
const ROWS = 6000;
const catalog = loadProfileCatalog();
const [scenario] = expandStudy(parseStudySpec(SMALL));
if (scenario === undefined) throw new Error('no scenario');
const row = runScenario(catalog, scenario);
const results = Array.from({ length: ROWS }, (_, i) => withIndex(row, i));

/** A finished study of ROWS rows; only `get`, `subscribe` and `accuracy` are used by feeds. */
const studies = {
  accuracy: catalog.accuracy,
  get: (id: string) =>
    Promise.resolve(
      id === 'done'
        ? {
            id,
            status: 'done',
            progress: { done: ROWS, total: ROWS },
            createdAt: '2026-01-01T00:00:00.000Z',
            error: null,
            results,
          }
        : null,
    ),
  subscribe: () => () => undefined,
} as unknown as StudyService;

let server: Server;
let feeds: StudyFeeds;
let port: number;

beforeAll(async () => {
  feeds = createStudyFeeds(studies, { stallMilliseconds: 1000 });
  server = createServer((_, res) => {
    void feeds.attach('done', res as unknown as Response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  feeds.closeAll();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function readAll(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return res.text();
}

describe('study event feeds', () => {
  it('gives every reader every row once, in order, then the end frame', async () => {
    const bodies = await Promise.all([readAll(), readAll(), readAll()]);
    for (const body of bodies) {
      const indices = [...body.matchAll(/event: scenario\ndata: (.*)\n/g)].map(
        (m) => (JSON.parse(m[1] ?? 'null') as { scenario: { index: number } }).scenario.index,
      );
      expect(indices).toEqual(results.map((_, i) => i));
      expect(body.trimEnd().endsWith('data: {"status":"done","error":null}')).toBe(true);
      expect(body.length).toBeGreaterThan(256 * 1024);
    }
  });

  it('closes a connection that never reads, while a reader still gets everything', async () => {
    const idle = connect(port, '127.0.0.1', () => {
      idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      idle.pause();
    });
    idle.on('error', () => undefined);
    await vi.waitFor(() => expect(feeds.open).toBe(1));
    const body = await readAll();
    expect(body).toContain(`"index":${ROWS - 1}`);
    // The server gives up on the idle one (the paused client itself does not see the close).
    await vi.waitFor(() => expect(feeds.open).toBe(0), { timeout: 10_000, interval: 100 });
    idle.destroy();
  }, 20_000);
});
