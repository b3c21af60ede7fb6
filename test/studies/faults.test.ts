/**
 * Faults in the study machinery (issue #17): a scenario child killed mid-study is retried on its
 * replacement; an `internal` row is never cached and submitting the spec again retries it, even
 * for a study that is `done`; internal rows do not count as progress.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { createProcessPoolExecutor } from '../../src/service/studies/executor/thread-pool.js';
import { internalErrorResult } from '../../src/service/studies/executor/internal-error.js';
import { runScenario } from '../../src/service/studies/run-scenario.js';
import type { ScenarioExecutor } from '../../src/service/studies/executor/types.js';
import { createStudyService } from '../../src/service/studies/study-service.js';
import { openSqliteStore } from '../../src/service/studies/store/sqlite.js';
import { FIFTY_SCENARIOS, SMALL } from './fixtures.js';

const catalog = loadProfileCatalog();
const internalRows = (rows: readonly { error?: { reason: string } | null }[]) =>
  rows.filter((r) => r.error?.reason === 'internal');

/** Pids of this process's direct children (the pool's scenario processes). */
function childPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

describe('study faults', () => {
  it('a scenario child SIGKILLed mid-study is retried: every row arrives, none internal', async () => {
    const executor = createProcessPoolExecutor(undefined, 2);
    const service = createStudyService({
      catalog,
      store: await openSqliteStore({ filePath: null }),
      executor,
    });
    // A budget no other test uses: nothing comes from a cache.
    const spec = { ...FIFTY_SCENARIOS, search: { maxCandidates: 1700 } };
    const { id } = await service.submit(spec);
    let killed = 0;
    service.subscribe(id, (event) => {
      if (event.type !== 'progress' || killed > 0 || event.progress.done < 3) return;
      const [victim] = childPids().filter((pid) => pid !== process.pid);
      if (victim === undefined) return;
      process.kill(victim, 'SIGKILL');
      killed = victim;
    });
    await service.settled(id);
    const snapshot = await service.get(id);
    await service.close();
    await executor.close();
    expect(killed).toBeGreaterThan(0);
    expect(snapshot?.status).toBe('done');
    expect(snapshot?.results.map((r) => r.scenario.index)).toEqual([...Array(50).keys()]);
    expect(internalRows(snapshot?.results ?? [])).toEqual([]);
  });

  it('an internal row is not cached, not progress, and submitting again retries it', async () => {
    // The run itself makes three passes over missing rows; fail all three.
    let failures = 3;
    const flaky: ScenarioExecutor = {
      run(scenario) {
        if (failures > 0 && scenario.index === 1) {
          failures -= 1;
          return Promise.resolve(
            internalErrorResult(scenario, 'scenario worker exited with code null'),
          );
        }
        return Promise.resolve(runScenario(catalog, scenario));
      },
      close: () => Promise.resolve(),
    };
    const store = await openSqliteStore({ filePath: null });
    const service = createStudyService({ catalog, store, executor: flaky });
    const spec = { ...SMALL, search: { maxCandidates: 201 } };
    const first = await service.submit(spec);
    await service.settled(first.id);
    const failed = await service.get(first.id);
    expect(failed?.status).toBe('done');
    expect(internalRows(failed?.results ?? [])).toHaveLength(1);
    expect(failed?.progress).toEqual({ done: 3, total: 4 });

    const again = await service.submit(spec);
    expect(again.id).toBe(first.id);
    await service.settled(first.id);
    const retried = await service.get(first.id);
    expect(retried?.status).toBe('done');
    expect(internalRows(retried?.results ?? [])).toEqual([]);
    expect(retried?.results).toHaveLength(4);
    expect(retried?.progress).toEqual({ done: 4, total: 4 });
    await service.close();
  });
});
