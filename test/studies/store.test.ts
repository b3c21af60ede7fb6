import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { runScenario } from '../../src/service/studies/run-scenario.js';
import { expandStudy, parseStudySpec } from '../../src/service/studies/scenarios.js';
import { openSqliteStore } from '../../src/service/studies/store/sqlite.js';
import { openSqliteStoreOffThread } from '../../src/service/studies/store/sqlite-off-thread.js';
import { StoreUnavailableError } from '../../src/service/studies/store/types.js';
import { SMALL } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const OPENERS = {
  'in this thread': openSqliteStore,
  'on its own thread': openSqliteStoreOffThread,
};

describe.each(Object.entries(OPENERS))('SQLite study store (sql.js) %s', (_, open) => {
  it('survives a restart: write, close, re-open from the file, read back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-store-'));
    dirs.push(dir);
    const filePath = join(dir, 'nested', 'studies.sqlite');
    const spec = parseStudySpec(SMALL);
    const [scenario] = expandStudy(spec);
    if (scenario === undefined) throw new Error('no scenario');
    const result = runScenario(loadProfileCatalog(), scenario);

    const first = await open({ filePath });
    const record = {
      id: 'abc',
      spec,
      status: 'done' as const,
      total: 4,
      createdAt: '2025-01-01T00:00:00.000Z',
      error: null,
    };
    await first.putStudy(record);
    await first.putResult('abc', 3, 'key-1', result);
    await first.close();
    expect((await readdir(join(dir, 'nested'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await open({ filePath });
    expect(await second.getStudy('abc')).toEqual(record);
    const rows = await second.getResults('abc');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.scenario.index).toBe(3);
    expect(rows[0]?.plan).toEqual(result.plan);
    expect((await second.getCached('key-1'))?.costUsd).toBe(result.costUsd);
    await second.close();
  });

  it('does not cache internal errors', async () => {
    const store = await open({ filePath: null });
    const [scenario] = expandStudy(parseStudySpec(SMALL));
    if (scenario === undefined) throw new Error('no scenario');
    const row = {
      ...runScenario(loadProfileCatalog(), scenario),
      plan: null,
      error: { reason: 'internal', message: 'boom' },
    };
    await store.putResult('s', 0, 'k', row);
    expect(await store.getCached('k')).toBeNull();
    expect((await store.getResults('s'))[0]?.error?.reason).toBe('internal');
    await store.close();
  });
});

describe('SQLite study store on its own thread', () => {
  it('answers StoreUnavailableError once closed', async () => {
    const store = await openSqliteStoreOffThread({ filePath: null });
    await store.close();
    await expect(store.getStudy('x')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
