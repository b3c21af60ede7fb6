/** Solver-neutral ILP, solver adapters and the re-check (STYLE.md §9). */
import { highsSolver } from './highs-adapter.js';
import { lpSolverSolver } from './lp-solver-adapter.js';
import type { Solver, SolverName } from './solver.js';

export { assignmentValues, buildShardingIlp } from './model.js';
export type {
  IlpModel,
  IlpVariable,
  LinearConstraint,
  LinearTerm,
  ShardingTables,
  ShardingEdge,
  ShardingIlp,
  BuildOptions,
  EdgeLinearisation,
} from './model.js';
export type { Solver, SolveOptions, SolveResult, SolveStatus, SolverName } from './solver.js';
export { evaluateChoices, recheckResult, solveSharding, INTEGRALITY_TOLERANCE } from './verify.js';
export type { ShardingSolution } from './verify.js';
export { highsSolver, toLpText } from './highs-adapter.js';
export { lpSolverSolver, toLpSolverModel } from './lp-solver-adapter.js';

/** Every shipped adapter, by name. */
export const SOLVERS: Readonly<Record<SolverName, Solver>> = {
  highs: highsSolver,
  'javascript-lp-solver': lpSolverSolver,
};
