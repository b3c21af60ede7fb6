/**
 * javascript-lp-solver adapter (small instances only: its branch-and-bound is a dense tableau).
 * Options: `timeout` (milliseconds), `tolerance` (relative MIP gap).
 *
 * Caveat: on timeout the library returns its best branch so far and still sets `feasible: true`,
 * possibly with fractional values (`isIntegral: false`) or without proving optimality, and it does
 * not report that the clock ran out. The adapter therefore times the call itself: a result that
 * took the whole limit is at best `feasible`; a fractional one is `timeout`. The re-check in
 * verify.ts rejects anything still inconsistent.
 * @see https://github.com/JWally/jsLPSolver (README, "timeout" and "tolerance" options)
 */
import lpSolverImport, {
  type Model as LpModel,
  type SolveResult as LpResult,
} from 'javascript-lp-solver';

type LpSolverApi = typeof lpSolverImport.default;
/** The typings are CommonJS-shaped; under ESM the default import is the solver object itself. */
const lpSolver: LpSolverApi =
  'Solve' in lpSolverImport ? (lpSolverImport as unknown as LpSolverApi) : lpSolverImport.default;
import type { IlpModel } from './model.js';
import type { SolveOptions, SolveResult, Solver } from './solver.js';

const OBJECTIVE_KEY = '__objective';
const MILLISECONDS_PER_SECOND = 1000;

/** JSON model of javascript-lp-solver for an IlpModel. */
export function toLpSolverModel(model: IlpModel, options: SolveOptions): LpModel {
  const variables: Record<string, Record<string, number>> = {};
  const ints: Record<string, 1> = {};
  model.variables.forEach((v) => {
    variables[v.name] = { [`ub_${v.name}`]: 1 };
    if (v.integer) ints[v.name] = 1;
  });
  const constraints: LpModel['constraints'] = {};
  model.variables.forEach((v) => (constraints[`ub_${v.name}`] = { max: v.upper }));
  for (const t of model.objective)
    (variables[model.variables[t.variable]?.name as string] as Record<string, number>)[
      OBJECTIVE_KEY
    ] = t.coefficient;
  for (const c of model.constraints) {
    constraints[c.label] =
      c.sense === '=' ? { equal: c.rhs } : c.sense === '<=' ? { max: c.rhs } : { min: c.rhs };
    for (const t of c.terms)
      (variables[model.variables[t.variable]?.name as string] as Record<string, number>)[c.label] =
        t.coefficient;
  }
  return {
    optimize: OBJECTIVE_KEY,
    opType: 'min',
    constraints,
    variables,
    ints,
    options: {
      timeout: options.timeLimitSeconds * MILLISECONDS_PER_SECOND,
      tolerance: options.mipGap,
    },
  };
}

function mapResult(model: IlpModel, result: LpResult, timedOut: boolean): SolveResult {
  if (!result.feasible) return { status: timedOut ? 'timeout' : 'infeasible' };
  if (result.isIntegral === false) return { status: 'timeout' };
  const values = model.variables.map((v) => {
    const x = result[v.name];
    return typeof x === 'number' ? x : 0;
  });
  return { status: timedOut ? 'feasible' : 'optimal', objective: result.result, values };
}

/** The javascript-lp-solver adapter. */
export const lpSolverSolver: Solver = {
  name: 'javascript-lp-solver',
  solve(model: IlpModel, options: SolveOptions): Promise<SolveResult> {
    const started = performance.now();
    const result = lpSolver.Solve(toLpSolverModel(model, options)) as LpResult;
    const timedOut =
      performance.now() - started >= options.timeLimitSeconds * MILLISECONDS_PER_SECOND;
    return Promise.resolve(mapResult(model, result, timedOut));
  },
};
