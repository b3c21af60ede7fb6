/**
 * The solver interface and its one result type (STYLE.md §9). Every adapter maps its native
 * statuses to {@link SolveStatus}; nothing returns a bare undefined.
 */
import type { IlpModel } from './model.js';

/**
 * optimal: proved optimal (within mipGap). feasible: a solution, optimality not proved (limit hit).
 * infeasible: proved infeasible, or the returned assignment failed the re-check.
 * timeout: the time limit passed with no usable solution.
 */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'timeout';

export interface SolveOptions {
  /** Wall-clock limit for this solve, seconds (required: every solve is bounded). */
  readonly timeLimitSeconds: number;
  /** Relative MIP gap at which to stop (0 = prove optimality; tests use 0). */
  readonly mipGap: number;
}

export interface SolveResult {
  readonly status: SolveStatus;
  /** Objective in model units; present with values. */
  readonly objective?: number;
  /** One value per model variable, in model order; present for optimal/feasible. */
  readonly values?: readonly number[];
}

export interface Solver {
  readonly name: string;
  solve(model: IlpModel, options: SolveOptions): Promise<SolveResult>;
}

/** Names of the shipped adapters. */
export type SolverName = 'highs' | 'javascript-lp-solver';
