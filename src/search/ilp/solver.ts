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
  /**
   * A starting assignment (one value per model variable), e.g. a feasible combination of
   * already-solved sub-problems: a warm start the solver may use as its first incumbent. It is a
   * hint only: the answer must not depend on it beyond ties (adapters may ignore it).
   */
  readonly start?: readonly number[];
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
