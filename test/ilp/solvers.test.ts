/** Every solver adapter runs the shared conformance cases; a corrupting adapter is caught. */
import { describe, expect, it } from 'vitest';
import {
  highsSolver,
  lpSolverSolver,
  solveSharding,
  type Solver,
} from '../../src/search/ilp/index.js';
import { randomTables } from './fixtures.js';
import { runSolverConformance } from './solver-common.case.js';

runSolverConformance(highsSolver);
runSolverConformance(lpSolverSolver, {
  'medium-instance':
    'javascript-lp-solver is a dense-tableau branch and bound; documented for small instances only',
});

/** Wraps an adapter and corrupts its answer in a chosen way. */
function corrupting(
  inner: Solver,
  corrupt: (values: number[]) => number[],
  objectiveShift = 0,
): Solver {
  return {
    name: `corrupt(${inner.name})`,
    async solve(model, options) {
      const r = await inner.solve(model, options);
      if (r.values === undefined) return r;
      return {
        status: 'optimal',
        objective: (r.objective ?? 0) + objectiveShift,
        values: corrupt([...r.values]),
      };
    },
  };
}

describe('re-check catches invalid assignments', () => {
  const tables = randomTables(3, 5, 3, false);
  const options = { timeLimitSeconds: 10, mipGap: 0 };
  const cases: [string, Solver, RegExp][] = [
    [
      'two strategies on node 0',
      corrupting(highsSolver, (v) => v.map((x, i) => (i < 2 ? 1 : x))),
      /\(b\)|objective/,
    ],
    [
      'no strategy on node 0',
      corrupting(highsSolver, (v) =>
        v.map((x, i) => (i < (tables.nodeCostSeconds[0]?.length ?? 1) ? 0 : x)),
      ),
      /\(b\)/,
    ],
    [
      'fractional value',
      corrupting(highsSolver, (v) => v.map((x, i) => (i === 0 ? 0.5 : x))),
      /fractional/,
    ],
    ['understated objective', corrupting(highsSolver, (v) => v, -1), /objective/],
  ];
  it.each(cases)('%s', async (_name, solver, violation) => {
    const got = await solveSharding(tables, solver, options, { objectiveUnitSeconds: 1 });
    expect(got.status).toBe('infeasible');
    expect(got.violation).toMatch(violation);
  });

  it('over-budget assignment', async () => {
    // one node: strategy 0 is free but needs 10 B, strategy 1 costs 1 s and needs 1 B; budget 5 B
    const tight = {
      nodeCostSeconds: [[0, 1]],
      nodeMemoryBytes: [[10, 1]],
      edges: [],
      memoryBudgetBytes: 5,
    };
    const ignoresBudget: Solver = {
      name: 'ignores-budget',
      solve: (model, opts) =>
        highsSolver.solve(
          { ...model, constraints: model.constraints.filter((c) => !c.label.startsWith('d_')) },
          opts,
        ),
    };
    const got = await solveSharding(tight, ignoresBudget, options, { objectiveUnitSeconds: 1 });
    expect(got.status).toBe('infeasible');
    expect(got.violation).toMatch(/\(d\) memory 10 B/);
    expect(
      (await solveSharding(tight, highsSolver, options, { objectiveUnitSeconds: 1 })).choices,
    ).toEqual([1]);
  });
});
