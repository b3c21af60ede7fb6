/**
 * Best-first branch and bound over one cluster's strategy space (issue #13). Every candidate is
 * first given its step-time lower bound (costmodel/bounds.ts createStepBound: a few
 * multiplications), then candidates are evaluated in ascending bound order, so good incumbents
 * come first. The search stops as soon as the next bound exceeds the step time of the worst kept
 * finalist: every candidate left has a bound, hence a step time, above it, so the finalists are
 * exactly those an exhaustive search keeps (the bound is never above estimate() or the simulated
 * schedule: test/search/step-bound.test.ts). Ties are evaluated (strict >), so tie-breaking on
 * strategyKey is unchanged.
 *
 * Anytime: on the candidate budget or when `shouldStop` says so (a deadline the caller owns; the
 * core reads no clock) the search answers what it has, with the bound of the first unexplored
 * candidate — a lower bound on everything it did not evaluate, since the queue is sorted.
 */
import type {
  EstimateOptions,
  MemoryBound,
  ShapeBoundInput,
  StatesBoundInput,
  Strategy,
} from '../costmodel/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import { recomputesLayerSubset } from '../plan/index.js';
import type { ScheduleKind } from '../costmodel/index.js';
import { countRejection, enumerateStrategies } from './enumerate.js';
import { evaluateCandidate } from './evaluate.js';
import { keepTop, better, distinctShapes } from './ranking.js';
import type { Feasible, RefineContext, RefinedCandidate } from './refine.js';
import { finalistCount, refineWithSimulation } from './refine.js';
import type { PlanningProblem, RejectionCounts, SearchStats } from './types.js';

export interface ClusterSearch {
  readonly problem: PlanningProblem;
  readonly cluster: ClusterProfile;
  readonly options: EstimateOptions;
  readonly schedules: readonly ScheduleKind[];
  /** Evaluations left of problem.maxCandidates. */
  readonly budget: number;
  readonly deepspeedSplit: (stages: number) => readonly number[];
  /** Step-time lower bound of a candidate (never above what evaluation reports). */
  readonly bound: (s: Strategy) => number;
  /**
   * The bound a sub-cluster search skips candidates by (≥ the incumbent). Which candidates it
   * skips decides which finalists a sub-cluster keeps and simulates (a finalist may simulate
   * faster than its closed form), so it stays the bound without recompute that fixed the
   * planner's answers before the tighter `bound` (plan.ts); `bound` orders and stops the search.
   */
  readonly incumbentBound: (s: Strategy) => number;
  /** Lower bound on a candidate's peak memory (costmodel/memory-bound.ts). */
  readonly memoryBound: MemoryBound;
  /** ≤ incumbentBound of every candidate of a shape (costmodel/bounds.ts createShapeBound). */
  readonly shapeBound: (shape: ShapeBoundInput) => number;
  /**
   * A sub-cluster search (fewer nodes than asked) skips candidates whose bound reaches the step
   * time already found elsewhere; null on the requested cluster.
   */
  readonly incumbentSeconds: number | null;
  /** Asked between candidates once a feasible plan is known; true = answer the best so far. */
  readonly shouldStop: () => boolean;
  /** Shared by every node count's refinement (one per planning call). */
  readonly refine: RefineContext;
  /** Evaluate anytime seeds first (seedPositions): set when the caller has a deadline. */
  readonly seed: boolean;
}

export interface SearchOutcome {
  readonly cluster: ClusterProfile;
  readonly top: RefinedCandidate[];
  readonly stats: Pick<SearchStats, 'candidates' | 'feasible' | 'rejected' | 'truncated'>;
  /** Lower bound on the step time of every candidate left unevaluated; +∞ when none was. */
  readonly unexploredBoundSeconds: number;
  /** True when shouldStop ended the search. */
  readonly stopped: boolean;
}

interface Queued {
  readonly strategy: Strategy;
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

/** Enumerate and bound every candidate, cheapest bound first (stable: enumeration order on ties). */
function boundedQueue(x: ClusterSearch, rejected: RejectionCounts): Queued[] {
  const { problem } = x;
  const incumbent = x.incumbentSeconds;
  const input = {
    graph: problem.graph,
    worldSize: worldSize(x.cluster),
    gpusPerNode: x.cluster.gpusPerNode,
    globalBatchSize: problem.training.globalBatchSize,
    sequenceLength: problem.training.sequenceLength,
    framework: problem.training.framework,
    constraints: problem.constraints,
    deepspeedSplit: x.deepspeedSplit,
    // Prefixes whose model states alone cannot fit are skipped whole (one count each).
    skipStates: (prefix: StatesBoundInput): boolean => {
      if (!x.memoryBound.statesCannotFit(prefix)) return false;
      countRejection(rejected, 'out-of-memory');
      return true;
    },
    // A sub-cluster skips whole shapes whose bound already reaches the incumbent (one count each).
    ...(incumbent === null
      ? {}
      : {
          skipShape: (shape: ShapeBoundInput): boolean => {
            if (x.shapeBound(shape) < incumbent) return false;
            countRejection(rejected, 'fewer-nodes-bound-not-faster');
            return true;
          },
        }),
  };
  // On a sub-cluster only evaluation outcomes are counted: the shapes a smaller world size cannot
  // form are not news about the request.
  const enumerationRejected = x.incumbentSeconds === null ? rejected : {};
  const queue: Queued[] = [];
  for (const strategy of enumerateStrategies(input, x.schedules, enumerationRejected)) {
    if (x.incumbentSeconds !== null && x.incumbentBound(strategy) >= x.incumbentSeconds) {
      countRejection(rejected, 'fewer-nodes-bound-not-faster');
      continue;
    }
    // Rejected unevaluated when even its memory lower bound exceeds the GPU (memory-bound.ts).
    if (x.memoryBound.cannotFit(strategy)) {
      countRejection(rejected, 'out-of-memory');
      continue;
    }
    queue.push({ strategy, bound: x.bound(strategy) });
  }
  return queue.sort((a, b) => a.bound - b.bound);
}

/** Anytime seeds per (recompute, schedule) group; see seedPositions. */
const SEEDS_PER_GROUP = 16;

/**
 * Queue positions evaluated first when the caller has a deadline: the shapes practitioners start
 * from — the widest tensor parallelism enumerated, with no or full recompute — the lowest-bound
 * few of each schedule. A short deadline then answers a plan near the optimum instead of the
 * first cheap-bound shapes (ZB with m < p, ZeRO-3 across nodes), which the bound rates well and
 * the model does not. Exactness is untouched: the stop rule still evaluates every candidate whose
 * bound is at most the k-th finalist, and a seed beyond it only adds an evaluation.
 */
function seedPositions(queue: readonly Queued[]): Set<number> {
  const widest = queue.reduce((tp, q) => Math.max(tp, q.strategy.tp), 0);
  const taken = new Map<string, number>();
  const seeds = new Set<number>();
  queue.forEach((q, i) => {
    const s = q.strategy;
    if (s.tp !== widest || s.recompute === 'selective') return;
    const group = `${s.recompute}|${s.schedule}`;
    const n = taken.get(group) ?? 0;
    if (n >= SEEDS_PER_GROUP) return;
    taken.set(group, n + 1);
    seeds.add(i);
  });
  return seeds;
}

/** Search one cluster best-first; see the file comment. */
export function searchCluster(x: ClusterSearch): SearchOutcome {
  const { problem, cluster } = x;
  const rejected: RejectionCounts = {};
  const queue = boundedQueue(x, rejected);
  const limit = finalistCount(problem.topK);
  const hasIncumbent = x.incumbentSeconds !== null && Number.isFinite(x.incumbentSeconds);
  const evaluation = {
    ...x.options,
    searchRecomputeLayers: searchesRecomputeLayers(problem),
  };
  const top: Feasible[] = [];
  let candidates = 0;
  let feasible = 0;
  let unexploredBoundSeconds = Number.POSITIVE_INFINITY;
  let stopped = false;
  const seeds = x.seed && x.incumbentSeconds === null ? seedPositions(queue) : new Set<number>();
  const evaluate = (next: Queued): void => {
    candidates++;
    const result = evaluateCandidate({ ...problem, cluster }, next.strategy, evaluation);
    if (!result.ok) {
      countRejection(rejected, result.reason);
      return;
    }
    feasible++;
    keepTop(top, result, limit);
  };
  // Seeds honour the deadline too once one fits; those left join the bound order below.
  const seeded = new Set<number>();
  for (const i of seeds) {
    const seed = queue[i];
    if (seed === undefined || candidates >= x.budget) break;
    if (top.length > 0 && x.shouldStop()) break;
    evaluate(seed);
    seeded.add(i);
  }
  let seedsLeft = seeded.size;
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i];
    if (next === undefined) break;
    if (seeded.has(i)) {
      seedsLeft--;
      continue;
    }
    const kth = top.length >= limit ? top[limit - 1] : undefined;
    if (kth !== undefined && next.bound > kth.estimate.stepTimeSeconds) {
      countRejection(rejected, 'bound-not-faster', queue.length - i - seedsLeft);
      break;
    }
    stopped = (top.length > 0 || hasIncumbent) && x.shouldStop();
    if (candidates >= x.budget || stopped) {
      unexploredBoundSeconds = next.bound;
      break;
    }
    evaluate(next);
  }
  const skippedBefore = x.refine.threshold?.skipped ?? 0;
  const refined = refineWithSimulation({ ...problem, cluster }, top, x.refine);
  const skipped = (x.refine.threshold?.skipped ?? 0) - skippedBefore;
  if (skipped > 0) countRejection(rejected, 'finalist-bound-not-answered', skipped);
  countRejection(rejected, 'out-of-memory', top.length - refined.length - skipped);
  refined.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  return {
    cluster,
    top: distinctShapes(refined).slice(0, problem.topK + 1),
    stats: {
      candidates,
      feasible: feasible - (top.length - refined.length),
      rejected,
      truncated: Number.isFinite(unexploredBoundSeconds),
    },
    unexploredBoundSeconds,
    stopped,
  };
}
