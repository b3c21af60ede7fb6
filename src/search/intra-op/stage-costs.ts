/**
 * The intra-op optimum of every contiguous layer range on one sub-mesh — the stage costs the stage
 * DP (stage-dp.ts, Alpa OSDI'22 Eq. 3) reads — with three exact shortcuts before an ILP is solved:
 *
 * 1. Same structure, same answer: a range whose structural key (range-keys.ts) was solved before
 *    reuses that solution (identical repeated blocks solve once).
 * 2. Infeasible parts: if a sub-range is proved infeasible (memory), so is every range holding it:
 *    a plan of the whole restricted to the part is a plan of the part, using no more memory.
 * 3. Composition: for a split k < m < j, opt(k, j) ≥ opt(k, m) + opt(m, j), because the split drops
 *    only the resharding of the edges crossing m (≥ 0) and each part's memory is at most the
 *    whole's. The concatenated optimal choices of the two parts are a plan of (k, j); when it fits
 *    in memory and its cost (the crossing edges included) reaches the best such bound, it is
 *    optimal and no ILP runs. Otherwise the ILP of (k, j) is solved, warm-started with the best
 *    concatenation that fits.
 * Lengths are solved shortest first, so every part is known when a range needs it.
 */
import { evaluateChoices, type SolveStatus, type Solver } from '../ilp/index.js';
import type { IntraOpProblem, MeshTables } from './problem.js';
import type { RangeKeys } from './range-keys.js';
import { solveIntraOpProblem } from './solve-intra-op.js';

/** Relative slack when comparing a concatenation with the composition bound (float sums). */
export const COMPOSITION_RELATIVE_TOLERANCE = 1e-9;

/** What one range's intra-op search found (choices index each node's strategy list). */
export interface RangeSolution {
  readonly status: SolveStatus;
  readonly objectiveSeconds?: number;
  readonly memoryBytes?: number;
  readonly choices?: readonly number[];
  readonly violation?: string;
}

/** How the ranges were answered. */
export interface RangeCounts {
  /** Ranges whose ILP was solved. */
  readonly ilpSolves: number;
  /** Ranges answered by an identical range's solution. */
  readonly reused: number;
  /** Ranges proved optimal by composition, or infeasible by a part. */
  readonly composed: number;
}

export interface RangeSearch {
  readonly solver: Solver;
  readonly timeLimitSeconds: number;
  /** Apply the shortcuts of the file comment (default true; false = one ILP per range). */
  readonly reuse: boolean;
}

const isProvedInfeasible = (s: RangeSolution | undefined): boolean =>
  s !== undefined && s.status === 'infeasible' && s.violation === undefined;

/** Solutions of every range [k, j) of `bounds` (layer k = nodes bounds[k] .. bounds[k+1]). */
export class StageCostTable {
  private readonly byRange = new Map<string, RangeSolution>();
  private readonly byKey = new Map<string, RangeSolution>();
  private counts = { ilpSolves: 0, reused: 0, composed: 0 };

  constructor(
    private readonly tables: MeshTables,
    private readonly keys: RangeKeys,
    private readonly bounds: readonly number[],
    private readonly search: RangeSearch,
  ) {}

  get stats(): RangeCounts {
    return { ...this.counts };
  }

  /** The solution of layers [k, j) (solve() must have run). */
  get(k: number, j: number): RangeSolution | undefined {
    return this.byRange.get(`${k}:${j}`);
  }

  /** The stage problem of layers [k, j). */
  problem(k: number, j: number): IntraOpProblem {
    const nodes = this.tables.graph.nodes.slice(this.bounds[k], this.bounds[j]);
    return this.tables.problem(nodes);
  }

  /** Solve every range, shortest first. */
  async solve(): Promise<void> {
    const layers = this.bounds.length - 1;
    for (let length = 1; length <= layers; length++)
      for (let k = 0; k + length <= layers; k++)
        this.byRange.set(`${k}:${k + length}`, await this.solveRange(k, k + length));
  }

  private async solveRange(k: number, j: number): Promise<RangeSolution> {
    if (!this.search.reuse) return this.solveIlp(this.problem(k, j), undefined);
    const key = this.keys.key(this.bounds[k] as number, this.bounds[j] as number);
    const known = this.byKey.get(key);
    if (known !== undefined) {
      this.counts.reused++;
      return known;
    }
    const solution = await this.compose(k, j);
    this.byKey.set(key, solution);
    return solution;
  }

  /** Shortcuts 2 and 3 of the file comment, else the warm-started ILP. */
  private async compose(k: number, j: number): Promise<RangeSolution> {
    const problem = this.problem(k, j);
    let bound = -Infinity;
    let best: { choices: number[]; objectiveSeconds: number; memoryBytes: number } | undefined;
    for (let m = k + 1; m < j; m++) {
      const [a, b] = [this.get(k, m), this.get(m, j)];
      if (isProvedInfeasible(a) || isProvedInfeasible(b)) {
        this.counts.composed++;
        return { status: 'infeasible' };
      }
      if (a?.choices === undefined || b?.choices === undefined) continue;
      if (a.status === 'optimal' && b.status === 'optimal')
        bound = Math.max(bound, (a.objectiveSeconds ?? 0) + (b.objectiveSeconds ?? 0));
      const choices = [...a.choices, ...b.choices];
      const cost = evaluateChoices(problem.tables, choices);
      if (cost.memoryBytes > problem.tables.memoryBudgetBytes) continue;
      if (best === undefined || cost.objectiveSeconds < best.objectiveSeconds)
        best = { choices, ...cost };
    }
    if (
      best !== undefined &&
      best.objectiveSeconds <= bound * (1 + COMPOSITION_RELATIVE_TOLERANCE)
    ) {
      this.counts.composed++;
      return { status: 'optimal', ...best };
    }
    return this.solveIlp(problem, best?.choices);
  }

  private async solveIlp(
    problem: IntraOpProblem,
    start: readonly number[] | undefined,
  ): Promise<RangeSolution> {
    this.counts.ilpSolves++;
    const { solver, timeLimitSeconds } = this.search;
    const options = {
      solver,
      timeLimitSeconds,
      mipGap: 0,
      memoryBudgetBytes: problem.tables.memoryBudgetBytes,
    };
    const s = await solveIntraOpProblem(problem, options, start);
    return {
      status: s.status,
      ...(s.objectiveSeconds === undefined ? {} : { objectiveSeconds: s.objectiveSeconds }),
      ...(s.memoryBytes === undefined ? {} : { memoryBytes: s.memoryBytes }),
      ...(s.choiceIndices === undefined ? {} : { choices: s.choiceIndices }),
      ...(s.violation === undefined ? {} : { violation: s.violation }),
    };
  }
}
