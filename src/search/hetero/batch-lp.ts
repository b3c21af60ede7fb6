/**
 * Heterogeneous data parallelism: how many sequences of the global batch each group takes so that
 * all groups finish their step together (HAP, Zhang et al. EuroSys'24 §5, "sharding ratios ... as
 * a linear program").
 *
 * Formulation (solver-neutral IlpModel, search/ilp/model.ts; solved with javascript-lp-solver
 * through the existing adapter's model translation, synchronously — it has no clock reads). For
 * groups g with finish time f_g + s_g·x_g (f_g fixed seconds: fill/drain, gradient sync,
 * optimizer; s_g seconds per sequence at steady state) and global batch B:
 *   minimise T
 *   (a) f_g + s_g·x_g ≤ T        ∀g   every group finishes by T
 *   (b) Σ_g x_g = B                   the shares cover the batch
 *   (c) x_g ≥ 0
 * With f_g = 0 the optimum is x_g = B·(1/s_g)/Σ_h(1/s_h): shares proportional to throughput.
 * Integer shares (multiples of the group's dp·microBatchSize) are found by a bounded search
 * around the LP optimum (roundShares).
 */
import lpSolverImport from 'javascript-lp-solver';
import type { SolveResult as LpResult } from 'javascript-lp-solver';
import { toLpSolverModel } from '../ilp/lp-solver-adapter.js';
import type { IlpModel, LinearConstraint } from '../ilp/model.js';
import type { SolveStatus } from '../ilp/solver.js';

type LpSolverApi = typeof lpSolverImport.default;
/** CommonJS typings; under ESM the default import is the solver itself (as in the adapter). */
const lpSolver: LpSolverApi =
  'Solve' in lpSolverImport ? (lpSolverImport as unknown as LpSolverApi) : lpSolverImport.default;

/** LP time limit per solve, seconds (STYLE.md §9: every solve is bounded; these LPs are tiny). */
const LP_TIME_LIMIT_SECONDS = 1;

export interface ReplicaTiming {
  /** f_g: seconds independent of the share. */
  readonly fixedSeconds: number;
  /** s_g: seconds per sequence (> 0). */
  readonly secondsPerSequence: number;
  /** Shares must be multiples of this (dp · microBatchSize of the group). */
  readonly quantum: number;
}

export interface BatchSplit {
  readonly status: SolveStatus;
  /** Continuous LP shares x_g (sequences). */
  readonly shares: readonly number[];
  /** LP optimum T (seconds). */
  readonly finishSeconds: number;
}

/** Build the LP of the file comment (variables x_0 … x_{n−1}, then T). */
export function batchSplitModel(timings: readonly ReplicaTiming[], globalBatch: number): IlpModel {
  const n = timings.length;
  const variables = [
    ...timings.map((_, g) => ({ name: `x_${g}`, lower: 0, upper: globalBatch, integer: false })),
    { name: 'T', lower: 0, upper: Number.MAX_SAFE_INTEGER, integer: false },
  ];
  const finish: LinearConstraint[] = timings.map((t, g) => ({
    label: `a_${g}`,
    terms: [
      { variable: g, coefficient: t.secondsPerSequence },
      { variable: n, coefficient: -1 },
    ],
    sense: '<=',
    rhs: -t.fixedSeconds,
  }));
  const cover: LinearConstraint = {
    label: 'b_batch',
    terms: timings.map((_, g) => ({ variable: g, coefficient: 1 })),
    sense: '=',
    rhs: globalBatch,
  };
  return {
    variables,
    constraints: [...finish, cover],
    objective: [{ variable: n, coefficient: 1 }],
  };
}

/** Solve the LP; statuses map to the one SolveStatus union. */
export function solveBatchSplit(
  timings: readonly ReplicaTiming[],
  globalBatch: number,
): BatchSplit {
  const model = batchSplitModel(timings, globalBatch);
  const native = toLpSolverModel(model, { timeLimitSeconds: LP_TIME_LIMIT_SECONDS, mipGap: 0 });
  const result = lpSolver.Solve(native) as LpResult;
  if (!result.feasible) return { status: 'infeasible', shares: [], finishSeconds: Infinity };
  const value = (name: string): number => {
    const v = result[name];
    return typeof v === 'number' ? v : 0;
  };
  return {
    status: 'optimal',
    shares: timings.map((_, g) => value(`x_${g}`)),
    finishSeconds: value('T'),
  };
}

/** The f_g = 0 closed form: x_g = B · (1/s_g) / Σ_h (1/s_h). */
export function proportionalShares(
  secondsPerSequence: readonly number[],
  globalBatch: number,
): number[] {
  const rates = secondsPerSequence.map((s) => 1 / s);
  const total = rates.reduce((a, r) => a + r, 0);
  return rates.map((r) => (globalBatch * r) / total);
}

/** Steps either side of the LP share tried when rounding (per group, in quanta). */
const ROUNDING_RADIUS = 2;

/**
 * Integer shares: each group's share a multiple of its quantum, Σ = B, minimising the largest
 * finish time (ties → the first found in lexicographic order of the per-group offsets).
 * All groups but the last try ⌊x_g/q_g⌋ + δ for δ ∈ [−R + 1, R]; the last takes the remainder.
 * Search size (2R)^(n−1). A group may end at 0 (it is then unused).
 * @returns null when no combination covers the batch exactly
 */
export function roundShares(
  timings: readonly ReplicaTiming[],
  shares: readonly number[],
  globalBatch: number,
): number[] | null {
  const n = timings.length;
  let best: number[] | null = null;
  let bestFinish = Number.POSITIVE_INFINITY;
  const current: number[] = [];
  const finish = (g: number, x: number): number => {
    const t = timings[g] as ReplicaTiming;
    return x === 0 ? 0 : t.fixedSeconds + t.secondsPerSequence * x;
  };
  const visit = (g: number, used: number, worst: number): void => {
    if (worst >= bestFinish) return;
    const t = timings[g] as ReplicaTiming;
    if (g === n - 1) {
      const rest = globalBatch - used;
      if (rest < 0 || rest % t.quantum !== 0) return;
      const w = Math.max(worst, finish(g, rest));
      if (w < bestFinish) [bestFinish, best] = [w, [...current, rest]];
      return;
    }
    const base = Math.floor((shares[g] ?? 0) / t.quantum);
    for (let d = 1 - ROUNDING_RADIUS; d <= ROUNDING_RADIUS; d++) {
      const x = (base + d) * t.quantum;
      if (x < 0 || used + x > globalBatch) continue;
      current.push(x);
      visit(g + 1, used + x, Math.max(worst, finish(g, x)));
      current.pop();
    }
  };
  visit(0, 0, 0);
  return best;
}

/**
 * The LP optimum T of the file comment in closed form (water-filling), for pruning without a
 * solve: with groups sorted by f_g, the active set is a prefix {g : f_g < T} and on it
 * Σ_g (T − f_g)/s_g = B, so T = (B + Σ f_g/s_g) / Σ 1/s_g over the first prefix whose T does not
 * exceed the next group's f — and T ≥ every f_g, since constraint (a) binds every group, as it
 * does in evaluation (every member takes a share). Every integer split finishes no earlier.
 */
export function batchSplitFinishLowerBound(
  timings: readonly ReplicaTiming[],
  globalBatch: number,
): number {
  const sorted = [...timings].sort((a, b) => a.fixedSeconds - b.fixedSeconds);
  const latestFixed = sorted[sorted.length - 1]?.fixedSeconds ?? 0;
  let weighted = 0;
  let rate = 0;
  for (const [i, t] of sorted.entries()) {
    weighted += t.fixedSeconds / t.secondsPerSequence;
    rate += 1 / t.secondsPerSequence;
    const finish = (globalBatch + weighted) / rate;
    const next = sorted[i + 1];
    if (next === undefined || finish <= next.fixedSeconds) return Math.max(finish, latestFixed);
  }
  return Number.POSITIVE_INFINITY;
}
