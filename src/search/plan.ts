/**
 * The planner: enumerate candidate strategies, evaluate them best-bound-first with the cost model
 * (search-cluster.ts), keep the best k by the objective. Deterministic: ties break on strategyKey.
 */
import type { EstimateOptions, Framework, ScheduleKind } from '../costmodel/index.js';
import {
  PlanningError,
  clusterSecondsLowerBound,
  createEstimateCache,
  createMemoryBound,
  createShapeBound,
  createStepBound,
  modelStatesCannotFit,
} from '../costmodel/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import {
  checkFrameworkBuildsModel,
  memoisedDeepspeedSplit,
  stagePlacements,
} from '../plan/index.js';
import type { Plan } from '../plan/index.js';
import { createTimingPipelineModel } from '../schedule/index.js';
import { countRejection } from './enumerate.js';
import { better, distinctShapes } from './ranking.js';
import type { RefinedCandidate } from './refine.js';
import { toPlanSchedule } from './refine.js';
import { AnsweredThreshold } from './finalist-bound.js';
import type { SearchOutcome } from './search-cluster.js';
import { searchCluster, searchesRecomputeLayers } from './search-cluster.js';
import type { PlanResult, PlanningProblem, RejectionCounts, SearchStats } from './types.js';

/**
 * Schedules searched by default when pp > 1: those the training framework can run, so that every
 * plan is executable as emitted (pin `constraints.schedule` to search others).
 *  - megatron: 1F1B and interleaved 1F1B (megatron/core/pipeline_parallel/schedules.py);
 *  - deepspeed: 1F1B-style TrainSchedule only (deepspeed/runtime/pipe/schedule.py);
 *  - fsdp (torchtitan / torch.distributed.pipelining): every schedule, through its schedule classes
 *    or a custom CSV run by _PipelineScheduleRuntime.
 * GPipe is left out unless pinned: it has 1F1B's bubble with m instead of p micro-batches in
 * flight (Narayanan et al. SC'21 §2.2), so 1F1B dominates it.
 */
export function defaultSchedules(framework: Framework): readonly ScheduleKind[] {
  switch (framework) {
    case 'megatron':
      return ['1f1b', 'interleaved-1f1b'];
    case 'deepspeed':
      return ['1f1b'];
    case 'fsdp':
      return ['1f1b', 'interleaved-1f1b', 'zb-h1', 'zb-h2', 'zb-v', 'seq-slice-1f1b'];
  }
}

export interface PlannerOptions extends EstimateOptions {
  readonly schedules?: readonly ScheduleKind[];
  /**
   * A deadline the caller owns (the core reads no clock): asked while the candidate queue is
   * built and between candidates once a feasible plan is known; true = answer the best plan so
   * far with search.truncated and the lower bound of what was left (anytime search, issue #13).
   */
  readonly shouldStop?: () => boolean;
}

function toPlan(problem: PlanningProblem, cluster: ClusterProfile, found: RefinedCandidate): Plan {
  return {
    strategy: found.strategy,
    estimate: found.estimate,
    layout: stagePlacements(found.strategy, problem.graph.spec.numLayers),
    worldSize: worldSize(cluster),
    gpusPerNode: cluster.gpusPerNode,
    numNodes: cluster.numNodes,
    acceleratorId: cluster.device.id,
    modelName: problem.graph.spec.name,
    training: problem.training,
    schedule: found.pipeline === null ? null : toPlanSchedule(found.pipeline),
  };
}

function noPlan(stats: SearchStats, cluster: ClusterProfile): PlanningError {
  const reasons = Object.entries(stats.rejected)
    .map(([r, n]) => `${r}: ${n}`)
    .join(', ');
  const where = `${worldSize(cluster)} × ${cluster.device.id}`;
  // A capped search that met no feasible candidate proves nothing about the rest of the space.
  return stats.truncated
    ? new PlanningError(
        'no-feasible-plan',
        `no feasible strategy among the ${stats.candidates} candidates evaluated on ${where} before search.maxCandidates stopped the search; the rest of the space was not evaluated: raise search.maxCandidates (rejected — ${reasons || 'none'})`,
        'search.maxCandidates',
        { ...stats },
      )
    : new PlanningError(
        'no-feasible-plan',
        `no feasible strategy on ${where} (${stats.candidates} candidates evaluated; rejected — ${reasons || 'none generated'})`,
        'cluster',
        { ...stats },
      );
}

const stepSeconds = (c: RefinedCandidate | undefined): number =>
  c?.estimate.stepTimeSeconds ?? Number.POSITIVE_INFINITY;

/**
 * Whole nodes may be left idle only when the objective is the step time: MFU is per GPU used, so
 * 'max-mfu' would always prefer one node.
 */
const mayLeaveNodesIdle = (problem: PlanningProblem): boolean =>
  problem.objective !== 'max-mfu' && problem.allowIdleNodes !== false;

/** What the node-count searches found, and a lower bound on the node counts they did not reach. */
interface NodeCountSearch {
  readonly outcomes: SearchOutcome[];
  /** Lower bound on the step time on any node count left unsearched; +∞ when none was. */
  readonly unsearchedBoundSeconds: number;
}

/**
 * Lower bound on the smaller clusters a stopped search did not reach, from `nodes` down: the
 * compute bound of the largest (it grows as nodes shrink), or +∞ when the model states cannot fit
 * there (then nothing smaller fits either).
 */
function smallerClustersBound(problem: PlanningProblem, nodes: number): number {
  if (nodes < 1 || !mayLeaveNodesIdle(problem)) return Number.POSITIVE_INFINITY;
  const cluster = { ...problem.cluster, numNodes: nodes };
  if (modelStatesCannotFit(problem.graph, cluster, problem.training))
    return Number.POSITIVE_INFINITY;
  return clusterSecondsLowerBound(problem.graph, cluster, problem.training);
}

/**
 * Searches the given cluster, then the same cluster with fewer nodes, largest first, while the
 * compute bound of the smaller cluster is not above the best step time found: with a fixed global
 * batch more GPUs can be slower (dp must divide the batch; a world size with an awkward factor
 * forces a worse shape), and a planner that answers "slower" when given more GPUs is wrong. So the
 * best plan is never slower than the best plan on any subset of whole nodes (tested as a property).
 * The best plan is the one exhaustive search under the model answers (search-cluster.ts defines
 * it): every node count 1..numNodes, every candidate, simulated (test/search/exhaustive-model.test.ts).
 * The alternatives are exact over the node counts searched (every one whose compute bound is
 * not above the best step time).
 */
function searchNodeCounts(problem: PlanningProblem, options: PlannerOptions): NodeCountSearch {
  const { shouldStop, schedules: pinnedSchedules, ...estimateOptions } = options;
  const base = {
    problem,
    options: estimateOptions,
    schedules:
      pinnedSchedules ??
      problem.constraints.schedule ??
      defaultSchedules(problem.training.framework),
    deepspeedSplit: memoisedDeepspeedSplit(problem.graph.spec.numLayers),
    // Per-layer costs do not depend on the node count: one bound serves every cluster size.
    bound: createStepBound(problem.graph, problem.cluster, problem.training, {
      fullRecomputeMayShrink: searchesRecomputeLayers(problem),
    }),
    shapeBound: createShapeBound(problem.graph, problem.cluster, problem.training),
    memoryBound: createMemoryBound(problem.graph, problem.cluster, problem.training),
    shouldStop: shouldStop ?? (() => false),
    seed: shouldStop !== undefined,
    refine: {
      model: createTimingPipelineModel(),
      // The answer is the best topK + 1 distinct shapes (planFixed).
      threshold: new AnsweredThreshold(problem.topK + 1),
      ...(estimateOptions.cache === undefined ? {} : { cache: estimateOptions.cache }),
    },
  };
  const full = searchCluster({
    ...base,
    cluster: problem.cluster,
    budget: problem.maxCandidates,
    subCluster: false,
  });
  const outcomes = [full];
  if (!mayLeaveNodesIdle(problem)) return { outcomes, unsearchedBoundSeconds: Infinity };
  let best = stepSeconds(full.top[0]);
  let used = full.stats.candidates;
  let stopped = full.stopped;
  for (let nodes = problem.cluster.numNodes - 1; nodes >= 1; nodes--) {
    const cluster = { ...problem.cluster, numNodes: nodes };
    // Strict: a smaller cluster that could only tie is still searched (ties break on strategyKey).
    if (clusterSecondsLowerBound(problem.graph, cluster, problem.training) > best) break;
    if (modelStatesCannotFit(problem.graph, cluster, problem.training)) break;
    stopped ||= Number.isFinite(best) && base.shouldStop();
    if (used >= problem.maxCandidates || stopped) {
      return { outcomes, unsearchedBoundSeconds: smallerClustersBound(problem, nodes) };
    }
    const outcome = searchCluster({
      ...base,
      cluster,
      budget: problem.maxCandidates - used,
      subCluster: true,
    });
    used += outcome.stats.candidates;
    stopped = outcome.stopped;
    outcomes.push(outcome);
    best = Math.min(best, stepSeconds(outcome.top[0]));
  }
  return { outcomes, unsearchedBoundSeconds: Infinity };
}

function mergeStats(
  search: NodeCountSearch,
  best: SearchOutcome | null,
  bestSeconds: number,
): SearchStats {
  const { outcomes } = search;
  const rejected: RejectionCounts = {};
  for (const o of outcomes) {
    for (const [reason, n] of Object.entries(o.stats.rejected)) countRejection(rejected, reason, n);
  }
  const [full] = outcomes;
  const unexplored = Math.min(
    search.unsearchedBoundSeconds,
    ...outcomes.map((o) => o.unexploredBoundSeconds),
  );
  const lowerBoundSeconds = Math.min(bestSeconds, unexplored);
  return {
    candidates: outcomes.reduce((a, o) => a + o.stats.candidates, 0),
    feasible: outcomes.reduce((a, o) => a + o.stats.feasible, 0),
    rejected,
    truncated: Number.isFinite(unexplored),
    lowerBoundSeconds,
    gapFraction: Number.isFinite(bestSeconds) ? (bestSeconds - lowerBoundSeconds) / bestSeconds : 1,
    idleNodes:
      best === null || full === undefined ? 0 : full.cluster.numNodes - best.cluster.numNodes,
    allNodesStepTimeSeconds: full?.top[0]?.estimate.stepTimeSeconds ?? null,
  };
}

/** Plan for a fixed cluster, possibly leaving whole nodes idle (see searchNodeCounts). */
function planFixed(problem: PlanningProblem, options: PlannerOptions): PlanResult {
  // One memo of layer costs per planning call, shared by every candidate (estimate-cache.ts).
  const search = searchNodeCounts(problem, {
    ...options,
    cache: options.cache ?? createEstimateCache(),
  });
  const { outcomes } = search;
  const ranked = outcomes
    .flatMap((o) => o.top.map((candidate) => ({ cluster: o.cluster, candidate })))
    .sort((a, b) =>
      better(a.candidate, b.candidate) ? -1 : better(b.candidate, a.candidate) ? 1 : 0,
    );
  const [best, ...rest] = ranked;
  const bestOutcome = outcomes.find((o) => o.cluster === best?.cluster) ?? null;
  const stats = mergeStats(search, bestOutcome, stepSeconds(best?.candidate));
  if (best === undefined) throw noPlan(stats, problem.cluster);
  const kept = new Set(distinctShapes(ranked.map((r) => r.candidate)));
  return {
    best: toPlan(problem, best.cluster, best.candidate),
    alternatives: rest
      .filter((r) => kept.has(r.candidate))
      .slice(0, problem.topK)
      .map((r) => toPlan(problem, r.cluster, r.candidate)),
    search: stats,
  };
}

/**
 * Objective 'min-gpus': the fewest nodes (of the given cluster) whose best plan meets the step-time
 * target. Binary search on the node count, assuming more nodes never slow the best plan down
 * (true of the model's candidates up to batch-divisibility effects; documented limitation).
 */
function planMinGpus(problem: PlanningProblem, options: PlannerOptions): PlanResult {
  const target = problem.stepTimeTargetSeconds;
  if (target === null) {
    throw new PlanningError(
      'invalid-strategy',
      "objective 'min-gpus' needs stepTimeTargetSeconds",
      'objective',
    );
  }
  const at = (nodes: number): PlanResult | null => {
    try {
      const result = planFixed(
        { ...problem, cluster: { ...problem.cluster, numNodes: nodes } },
        options,
      );
      return result.best.estimate.stepTimeSeconds <= target ? result : null;
    } catch (error) {
      if (error instanceof PlanningError) return null;
      throw error;
    }
  };
  let high = problem.cluster.numNodes;
  let best = at(high);
  if (best === null) {
    throw new PlanningError(
      'no-feasible-plan',
      `no plan on up to ${high} nodes meets stepTimeTargetSeconds=${target}`,
      'stepTimeTargetSeconds',
    );
  }
  let low = 0;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const result = at(mid);
    if (result === null) low = mid;
    else {
      high = mid;
      best = result;
    }
  }
  return best;
}

export function planTraining(problem: PlanningProblem, options: PlannerOptions = {}): PlanResult {
  checkFrameworkBuildsModel(problem.graph.spec, problem.training.framework);
  if (problem.objective === 'min-gpus') return planMinGpus(problem, options);
  return planFixed(problem, options);
}

export { countRejection };
