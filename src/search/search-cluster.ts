/**
 * Best-first branch and bound over one cluster's strategy space (issue #13), exact with respect to
 * exhaustive search under the model. "Exhaustive under the model": evaluate every candidate
 * enumerateStrategies yields on every node count the planner may use (plan.ts searchNodeCounts),
 * re-evaluate each feasible one with its simulated schedule (refine.ts simulateFinalist; pp = 1
 * keeps its closed form) and answer the fastest simulated step time, ties broken by strategyKey.
 *
 * The closed-form pipeline is a fast estimate of the simulation, not a bound on it (with uneven
 * stage costs the simulation beats it for every schedule kind: the closed forms price every rank
 * as the slowest, e.g. ZB-V's bubble from the slowest rank's F + I − 2W), so it only orders work.
 * Pruning uses three lower bounds on the SIMULATED step time and a threshold made of simulated
 * step times:
 *  - L0, the step bound (costmodel/bounds.ts createStepBound: a few multiplications), on every
 *    candidate before evaluation; the queue is sorted by it;
 *  - L1, the closed-form estimate with the makespan replaced by simulatedMakespanLowerBound
 *    (finalist-bound.ts evaluateWithSimulatedBound), from the same estimate() call;
 *  - L2, the simulated makespan of the pipeline input that call captured plus the same
 *    post-pipeline time (cluster-run.ts cannotBeAnswered): a simulation without estimate();
 *  - the threshold: the (topK + 1)-th best simulated step time over distinct shapes found so far
 *    on any node count (finalist-bound.ts AnsweredThreshold; the answer is the best topK + 1
 *    distinct shapes), +∞ until that many are simulated.
 * A candidate is skipped only when a bound of it exceeds the threshold (strictly, so ties are
 * simulated and break on strategyKey); the threshold only falls, so it is beaten. L0 and L1 are
 * tested never to exceed the simulation (test/search/step-bound.test.ts, finalist-bound.test.ts),
 * and the planner's best plan against exhaustive search (test/search/exhaustive-model.test.ts).
 *
 * The work goes in three phases: (A) evaluate with the closed form in bound order until the
 * next bound exceeds the k-th kept closed-form finalist, then simulate those finalists, which
 * gives a near-final threshold cheaply; (B) simulate the other evaluated candidates whose L1 and
 * L2 are within the threshold, best closed form first; (C) evaluate the rest of the queue while
 * L0 is within the threshold and simulate those whose L1 and L2 are too.
 *
 * Anytime: on the candidate budget or when `shouldStop` says so (a deadline the caller owns; the
 * core reads no clock) the search answers what it has, with the lowest bound of what it did not
 * simulate — a lower bound on everything left, since the queue is sorted by L0.
 */
import type { ShapeBoundInput, StatesBoundInput } from '../costmodel/index.js';
import { clusterSecondsLowerBound } from '../costmodel/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import { countRejection, divisors, enumerateStrategies } from './enumerate.js';
import { better, distinctShapes } from './ranking.js';
import type { RefinedCandidate } from './refine.js';
import { finalistCount } from './refine.js';
import type { ClusterSearch, Queued } from './cluster-run.js';
import { ClusterRun, searchesRecomputeLayers } from './cluster-run.js';
import type { RejectionCounts, SearchConstraints, SearchStats } from './types.js';

export type { ClusterSearch };
export { searchesRecomputeLayers };

export interface SearchOutcome {
  readonly cluster: ClusterProfile;
  readonly top: RefinedCandidate[];
  readonly stats: Pick<SearchStats, 'candidates' | 'feasible' | 'rejected' | 'truncated'>;
  /** Lower bound on the step time of every candidate left unevaluated; +∞ when none was. */
  readonly unexploredBoundSeconds: number;
  /** True when shouldStop ended the search. */
  readonly stopped: boolean;
}

/** Enumerated strategies between two deadline polls while the queue is built. */
const POLL_EVERY = 64;

interface BoundedQueue {
  /** Cheapest bound first (stable: enumeration order on ties). */
  readonly queue: Queued[];
  /**
   * True when the deadline cut the enumeration short: the strategies not enumerated are bounded
   * only by the cluster's compute bound.
   */
  readonly cut: boolean;
}

/**
 * Enumerate and bound the candidates. With a deadline (x.seed) building the queue is interruptible
 * (it is most of a large cluster's search: Llama/GPT-3 spaces on 192+ nodes take 0.3-1 s): once
 * shouldStop says so the queue keeps what was enumerated.
 */
function boundedQueue(
  x: ClusterSearch,
  rejected: RejectionCounts,
  interruptible: boolean,
): BoundedQueue {
  const { problem } = x;
  // The threshold only falls, so what is above it now stays above it.
  const incumbent = x.subCluster ? x.refine.threshold.seconds : Number.POSITIVE_INFINITY;
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
    // A sub-cluster skips whole shapes whose bound is above the threshold (one count each;
    // strictly above, as for single candidates, so ties are still simulated).
    ...(x.subCluster
      ? {
          skipShape: (shape: ShapeBoundInput): boolean => {
            if (x.shapeBound(shape) <= incumbent) return false;
            countRejection(rejected, 'fewer-nodes-bound-not-faster');
            return true;
          },
        }
      : {}),
  };
  // On a sub-cluster only evaluation outcomes are counted: the shapes a smaller world size cannot
  // form are not news about the request.
  const enumerationRejected = x.subCluster ? {} : rejected;
  const queue: Queued[] = [];
  let enumerated = 0;
  for (const constraints of enumerationOrder(x, interruptible)) {
    const strategies = enumerateStrategies(
      { ...input, constraints },
      x.schedules,
      enumerationRejected,
    );
    for (const strategy of strategies) {
      if (interruptible && ++enumerated % POLL_EVERY === 0 && x.shouldStop()) {
        return { queue: queue.sort((a, b) => a.bound - b.bound), cut: true };
      }
      // Rejected unevaluated when even its memory lower bound exceeds the GPU (memory-bound.ts).
      if (x.memoryBound.cannotFit(strategy)) {
        countRejection(rejected, 'out-of-memory');
        continue;
      }
      const bound = x.bound(strategy);
      if (bound > incumbent) {
        countRejection(rejected, 'fewer-nodes-bound-not-faster');
        continue;
      }
      queue.push({ strategy, bound });
    }
  }
  return { queue: queue.sort((a, b) => a.bound - b.bound), cut: false };
}

/**
 * The enumeration in one go, or — when a deadline may cut it — one tensor-parallel degree at a
 * time, widest first: the shapes practitioners start from (seedPositions) come first, so a cut
 * queue still holds them. Every strategy is enumerated once either way.
 */
function enumerationOrder(x: ClusterSearch, interruptible: boolean): SearchConstraints[] {
  const { constraints } = x.problem;
  if (!interruptible) return [constraints];
  return divisors(worldSize(x.cluster))
    .filter((tp) => constraints.tp === undefined || constraints.tp.includes(tp))
    .reverse()
    .map((tp) => ({ ...constraints, tp: [tp] }));
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
function seedPositions(queue: readonly Queued[]): number[] {
  const widest = queue.reduce((tp, q) => Math.max(tp, q.strategy.tp), 0);
  const taken = new Map<string, number>();
  const seeds: number[] = [];
  queue.forEach((q, i) => {
    const s = q.strategy;
    if (s.tp !== widest || s.recompute === 'selective') return;
    const group = `${s.recompute}|${s.schedule}`;
    const n = taken.get(group) ?? 0;
    if (n >= SEEDS_PER_GROUP) return;
    taken.set(group, n + 1);
    seeds.push(i);
  });
  return seeds;
}

/** Search one cluster best-first; see the file comment. */
export function searchCluster(x: ClusterSearch): SearchOutcome {
  const outcome = searchQueue(x, x.seed);
  // A cut queue without a feasible plan, while no node count has one either, answers nothing:
  // enumerate it all (the search then stops at its first feasible candidate).
  const unanswered = !Number.isFinite(x.refine.threshold.bestSeconds);
  return outcome.top.length === 0 && outcome.cut && unanswered ? searchQueue(x, false) : outcome;
}

function searchQueue(x: ClusterSearch, interruptible: boolean): SearchOutcome & { cut: boolean } {
  const { problem, cluster } = x;
  const rejected: RejectionCounts = {};
  const { queue, cut } = boundedQueue(x, rejected, interruptible);
  const run = new ClusterRun(x, queue, rejected);
  const seeds = x.seed && !x.subCluster ? seedPositions(queue) : [];
  run.evaluateSeeds(seeds);
  // (A) closed-form finalists, simulated; (B) the other evaluated candidates; (C) the rest.
  const finalists = run.evaluateWhile(finalistCount(problem.topK));
  run.simulate(finalists, false);
  run.simulate(run.unsimulated());
  run.simulate(run.evaluateWhile(Number.POSITIVE_INFINITY));
  const refined = run.refined.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const unexplored = Math.min(
    run.unexploredBoundSeconds(),
    cut ? clusterSecondsLowerBound(problem.graph, cluster, problem.training) : Infinity,
  );
  const stats = run.stats();
  return {
    cluster,
    top: distinctShapes(refined).slice(0, problem.topK + 1),
    stats: { ...stats, truncated: stats.truncated || cut },
    unexploredBoundSeconds: unexplored,
    stopped: run.stopped || cut,
    cut,
  };
}
