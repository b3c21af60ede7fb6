/**
 * The state of one cluster's best-first search (search-cluster.ts has the algorithm and why it
 * is exact): the L0-sorted queue and how far it is evaluated, the evaluated candidates not yet
 * simulated, the simulated ones, and the counts the search reports.
 */
import type {
  EstimateOptions,
  MemoryBound,
  ScheduleKind,
  ShapeBoundInput,
  Strategy,
} from '../costmodel/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { recomputesLayerSubset } from '../plan/index.js';
import { countRejection } from './enumerate.js';
import type { AnsweredThreshold, BoundedCandidate } from './finalist-bound.js';
import { evaluateWithSimulatedBound, simulatedStepLowerBound } from './finalist-bound.js';
import { better, keepTop } from './ranking.js';
import type { RefineContext, RefinedCandidate } from './refine.js';
import { simulateFinalist } from './refine.js';
import type { PlanningProblem, RejectionCounts, SearchStats } from './types.js';

export interface ClusterSearch {
  readonly problem: PlanningProblem;
  readonly cluster: ClusterProfile;
  readonly options: EstimateOptions;
  readonly schedules: readonly ScheduleKind[];
  /** Evaluations left of problem.maxCandidates. */
  readonly budget: number;
  readonly deepspeedSplit: (stages: number) => readonly number[];
  /** L0: step-time lower bound of a candidate (never above its simulated step time). */
  readonly bound: (s: Strategy) => number;
  /** Lower bound on a candidate's peak memory (costmodel/memory-bound.ts). */
  readonly memoryBound: MemoryBound;
  /** ≤ `bound` of every candidate of a shape (costmodel/bounds.ts createShapeBound). */
  readonly shapeBound: (shape: ShapeBoundInput) => number;
  /**
   * A sub-cluster search (fewer nodes than asked): its enumeration rejections are not news about
   * the request, and it evaluates no anytime seeds.
   */
  readonly subCluster: boolean;
  /** Asked between candidates once a feasible plan is known; true = answer the best so far. */
  readonly shouldStop: () => boolean;
  /** Shared by every node count's refinement (one per planning call). */
  readonly refine: RefineContext & { readonly threshold: AnsweredThreshold };
  /** Evaluate anytime seeds first (seedPositions): set when the caller has a deadline. */
  readonly seed: boolean;
}

export interface Queued {
  readonly strategy: Strategy;
  /** L0: the step bound, ≤ the candidate's simulated step time. */
  readonly bound: number;
}

/**
 * Partial recompute (the fewest layers that fit) only where the launch config can say it
 * (Megatron's block method) and the caller did not pin the layer count.
 */
export function searchesRecomputeLayers(problem: PlanningProblem): boolean {
  return (
    problem.constraints.recomputeLayers === undefined &&
    recomputesLayerSubset(problem.training.framework)
  );
}

const byClosedForm = (a: BoundedCandidate, b: BoundedCandidate): number =>
  better(a, b) ? -1 : better(b, a) ? 1 : 0;

export class ClusterRun {
  /** Simulated candidates that fit. */
  readonly refined: RefinedCandidate[] = [];
  /** True when shouldStop ended the search. */
  stopped = false;
  /** Evaluated with the closed form, neither simulated nor ruled out yet. */
  private readonly pending = new Set<BoundedCandidate>();
  private readonly seeded = new Set<number>();
  /** Queue index of the next candidate to evaluate. */
  private next = 0;
  /** The queue left holds nothing that can be answered (or nothing at all). */
  private exhausted: boolean;
  private candidates = 0;
  private feasible = 0;
  private unfitSimulated = 0;

  constructor(
    private readonly x: ClusterSearch,
    private readonly queue: readonly Queued[],
    private readonly rejected: RejectionCounts,
  ) {
    this.exhausted = queue.length === 0;
  }

  /** A candidate whose simulated step time must exceed this cannot be answered. */
  private threshold(): number {
    const t = this.x.refine.threshold;
    return t.seconds;
  }

  /** The deadline is asked only once an answer exists (here or on another node count). */
  private deadlinePassed(): boolean {
    const answerable = this.feasible > 0 || Number.isFinite(this.x.refine.threshold.bestSeconds);
    this.stopped ||= answerable && this.x.shouldStop();
    return this.stopped;
  }

  private evaluate(q: Queued): BoundedCandidate | null {
    this.candidates++;
    const { problem, cluster } = this.x;
    const result = evaluateWithSimulatedBound({ ...problem, cluster }, q.strategy, {
      ...this.x.options,
      searchRecomputeLayers: searchesRecomputeLayers(problem),
    });
    if (!result.ok) {
      countRejection(this.rejected, result.reason);
      return null;
    }
    this.feasible++;
    this.pending.add(result);
    return result;
  }

  /** Anytime seeds (search-cluster.ts seedPositions), before the bound order. */
  evaluateSeeds(positions: readonly number[]): void {
    for (const i of positions) {
      const seed = this.queue[i];
      if (seed === undefined || this.candidates >= this.x.budget || this.deadlinePassed()) break;
      this.evaluate(seed);
      this.seeded.add(i);
    }
  }

  /**
   * Evaluate in bound order while the bound is within the threshold and, with a finite `limit`,
   * until it exceeds the limit-th best closed-form step (the cheap phase-A stop). Returns the
   * closed-form best `limit` evaluated so far (every pending candidate when limit is +∞).
   */
  evaluateWhile(limit: number): BoundedCandidate[] {
    const top: BoundedCandidate[] = [];
    const finite = Number.isFinite(limit);
    if (finite) for (const c of this.pending) keepTop(top, c, limit);
    for (; !this.exhausted && this.next < this.queue.length; this.next++) {
      const q = this.queue[this.next];
      if (q === undefined || this.seeded.has(this.next)) continue;
      if (q.bound > this.threshold()) {
        countRejection(this.rejected, 'bound-not-faster', this.unevaluatedFromNext());
        this.exhausted = true;
        break;
      }
      const kth = finite && top.length >= limit ? top[limit - 1] : undefined;
      if (kth !== undefined && q.bound > kth.estimate.stepTimeSeconds) break;
      if (this.candidates >= this.x.budget || this.deadlinePassed()) break;
      const result = this.evaluate(q);
      if (result !== null && finite) keepTop(top, result, limit);
    }
    if (this.next >= this.queue.length) this.exhausted = true;
    return finite ? top : [...this.pending];
  }

  private unevaluatedFromNext(): number {
    let seededAhead = 0;
    for (const i of this.seeded) if (i >= this.next) seededAhead++;
    return this.queue.length - this.next - seededAhead;
  }

  /**
   * Simulate the given pending candidates, best closed form first (so the threshold falls
   * early), skipping those whose simulated step must exceed the threshold. `interruptible`: the
   * deadline may end it (the phase-A finalists are always simulated: they are the answer).
   */
  simulate(candidates: readonly BoundedCandidate[], interruptible = true): void {
    const { problem, cluster } = this.x;
    for (const c of [...candidates].sort(byClosedForm)) {
      if (!this.pending.has(c)) continue;
      if (interruptible && this.deadlinePassed()) return;
      this.pending.delete(c);
      if (this.cannotBeAnswered(c)) {
        countRejection(this.rejected, 'finalist-bound-not-answered');
        continue;
      }
      const result =
        c.unpipelined === null
          ? simulateFinalist({ ...problem, cluster }, c.strategy, this.x.refine)
          : { ...c.unpipelined, pipeline: null };
      if (result === null) {
        countRejection(this.rejected, 'out-of-memory');
        this.unfitSimulated++;
        continue;
      }
      this.refined.push(result);
      this.x.refine.threshold.add(result);
    }
  }

  /**
   * True when the candidate's simulated step must exceed the threshold: by its L1 bound, else by
   * simulating its pipeline alone (memoised per planning call; the full re-evaluation that
   * follows for a candidate that may be answered finds it there).
   */
  private cannotBeAnswered(c: BoundedCandidate): boolean {
    const threshold = this.threshold();
    if (c.simulatedBoundSeconds > threshold) return true;
    if (c.pipelineInput === null || !Number.isFinite(threshold)) return false;
    const makespan = this.x.refine.model(c.pipelineInput).makespanSeconds;
    return simulatedStepLowerBound(c, makespan) > threshold;
  }

  /** Every evaluated candidate not yet simulated or ruled out (none once stopped). */
  unsimulated(): BoundedCandidate[] {
    return this.stopped ? [] : [...this.pending];
  }

  /**
   * Lower bound on the simulated step time of every candidate neither simulated nor ruled out:
   * the first unevaluated bound (the queue is sorted) and the pending candidates' bounds; +∞
   * when none is left.
   */
  unexploredBoundSeconds(): number {
    let bound = Number.POSITIVE_INFINITY;
    for (const c of this.pending) bound = Math.min(bound, c.simulatedBoundSeconds);
    if (this.exhausted) return bound;
    for (let i = this.next; i < this.queue.length; i++) {
      const q = this.queue[i];
      if (q !== undefined && !this.seeded.has(i)) return Math.min(bound, q.bound);
    }
    return bound;
  }

  stats(): Pick<SearchStats, 'candidates' | 'feasible' | 'rejected' | 'truncated'> {
    return {
      candidates: this.candidates,
      feasible: this.feasible - this.unfitSimulated,
      rejected: this.rejected,
      truncated: Number.isFinite(this.unexploredBoundSeconds()),
    };
  }
}
