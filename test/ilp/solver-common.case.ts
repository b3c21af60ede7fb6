/**
 * The shared conformance cases every solver adapter runs (STYLE.md §11 e; Hono's
 * router/common.case.test.ts). Each adapter's test file calls {@link runSolverConformance} and
 * names the cases it skips, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { buildShardingIlp, solveSharding, type Solver } from '../../src/search/ilp/index.js';
import { exhaustiveOptimum, randomTables } from './fixtures.js';

export type ConformanceCase =
  | 'random-vs-exhaustive'
  | 'alpa-linearisation'
  | 'memory-budget'
  | 'infeasible-budget'
  | 'medium-instance';

const OPTIONS = { timeLimitSeconds: 20, mipGap: 0 };
const RANDOM_SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);

export function runSolverConformance(
  solver: Solver,
  skips: Partial<Record<ConformanceCase, string>> = {},
): void {
  const test = (name: ConformanceCase, body: () => Promise<void>): void => {
    const reason = skips[name];
    if (reason !== undefined) it.skip(`${name} — skipped: ${reason}`, body);
    else it(name, body, 120_000);
  };

  describe(`solver conformance: ${solver.name}`, () => {
    test('random-vs-exhaustive', async () => {
      for (const seed of RANDOM_SEEDS) {
        const tables = randomTables(seed, 8, 4, false);
        const got = await solveSharding(tables, solver, OPTIONS, { objectiveUnitSeconds: 1 });
        expect(got.status, `seed ${seed}`).toBe('optimal');
        expect(got.objectiveSeconds, `seed ${seed}`).toBeCloseTo(exhaustiveOptimum(tables), 6);
      }
    });

    test('alpa-linearisation', async () => {
      for (const seed of RANDOM_SEEDS.slice(0, 20)) {
        const tables = randomTables(seed, 6, 4, false);
        const got = await solveSharding(tables, solver, OPTIONS, {
          objectiveUnitSeconds: 1,
          edgeLinearisation: 'alpa',
        });
        expect(got.objectiveSeconds, `seed ${seed}`).toBeCloseTo(exhaustiveOptimum(tables), 6);
      }
    });

    test('memory-budget', async () => {
      for (const seed of RANDOM_SEEDS.slice(0, 30)) {
        const tables = randomTables(seed + 500, 7, 4, true);
        const got = await solveSharding(tables, solver, OPTIONS, { objectiveUnitSeconds: 1 });
        expect(got.status, `seed ${seed}`).toBe('optimal');
        expect(got.memoryBytes ?? Infinity).toBeLessThanOrEqual(tables.memoryBudgetBytes);
        expect(got.objectiveSeconds, `seed ${seed}`).toBeCloseTo(exhaustiveOptimum(tables), 6);
      }
    });

    test('infeasible-budget', async () => {
      const tables = { ...randomTables(7, 5, 3, false), memoryBudgetBytes: 1 };
      const got = await solveSharding(tables, solver, OPTIONS, { objectiveUnitSeconds: 1 });
      expect(got.status).toBe('infeasible');
      expect(got.choices).toBeUndefined();
    });

    test('medium-instance', async () => {
      const tables = randomTables(42, 30, 5, true);
      expect(buildShardingIlp(tables).model.variables.length).toBeGreaterThan(150);
      const got = await solveSharding(tables, solver, OPTIONS);
      expect(['optimal', 'feasible']).toContain(got.status);
    });
  });
}
