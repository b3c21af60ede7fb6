/**
 * The planner: enumerate candidate strategies, evaluate each with the cost model, keep the best
 * k by the objective. Deterministic: ties break on strategyKey.
 */
import type { EstimateOptions, Framework, ScheduleKind, Strategy } from '../costmodel/index.js';
import {
  PlanningError,
  clusterSecondsLowerBound,
  createEstimateCache,
  createStepBound,
  modelStatesCannotFit,
} from '../costmodel/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import { recomputesLayerSubset, stagePlacements, memoisedDeepspeedSplit } from '../plan/index.js';
import type { Plan } from '../plan/index.js';
import { countRejection, enumerateStrategies } from './enumerate.js';
import { evaluateCandidate, strategyKey } from './evaluate.js';
import type { Feasible, RefinedCandidate } from './refine.js';
import { finalistCount, refineWithSimulation } from './refine.js';
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
}

function better(a: Feasible, b: Feasible): boolean {
  const dt = a.estimate.stepTimeSeconds - b.estimate.stepTimeSeconds;
  if (dt !== 0) return dt < 0;
  return strategyKey(a.strategy) < strategyKey(b.strategy);
}

/** Insert into a list kept sorted best-first and bounded to `limit` entries. */
function keepTop(top: Feasible[], candidate: Feasible, limit: number): void {
  let index = top.length;
  while (index > 0) {
    const previous = top[index - 1];
    if (previous === undefined || !better(candidate, previous)) break;
    index--;
  }
  if (index >= limit) return;
  top.splice(index, 0, candidate);
  if (top.length > limit) top.pop();
}

/**
 * Alternatives should be alternatives: keep the best of each parallel shape (degrees, micro-batch,
 * schedule, recompute, ZeRO), not near-copies that differ only in layer split or slice count.
 */
function distinctShapes(sorted: readonly RefinedCandidate[]): RefinedCandidate[] {
  const seen = new Set<string>();
  return sorted.filter((c) => {
    const s = c.strategy;
    const key = [
      s.dp,
      s.tp,
      s.pp,
      s.virtualStages,
      s.microBatchSize,
      s.schedule,
      s.recompute,
      s.zeroStage,
    ].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
    schedule: found.schedule,
  };
}

interface SearchOutcome {
  readonly cluster: ClusterProfile;
  readonly top: RefinedCandidate[];
  readonly stats: Omit<SearchStats, 'idleNodes' | 'allNodesStepTimeSeconds'>;
}

/** A sub-cluster search skips candidates whose lower bound reaches the step time already found. */
interface SubClusterPruning {
  readonly incumbentSeconds: number;
  readonly bound: (s: Strategy) => number;
}

/**
 * Search one cluster: the given one (`pruning` null) or one with fewer nodes. `budget`:
 * evaluations left of problem.maxCandidates.
 */
function searchCluster(
  problem: PlanningProblem,
  cluster: ClusterProfile,
  options: PlannerOptions,
  budget: number,
  pruning: SubClusterPruning | null,
  deepspeedSplit: (stages: number) => readonly number[],
): SearchOutcome {
  const rejected: RejectionCounts = {};
  const top: Feasible[] = [];
  let candidates = 0;
  let feasible = 0;
  let truncated = false;
  const input = {
    graph: problem.graph,
    worldSize: worldSize(cluster),
    gpusPerNode: cluster.gpusPerNode,
    globalBatchSize: problem.training.globalBatchSize,
    sequenceLength: problem.training.sequenceLength,
    framework: problem.training.framework,
    constraints: problem.constraints,
    deepspeedSplit,
  };
  const schedules =
    options.schedules ??
    problem.constraints.schedule ??
    defaultSchedules(problem.training.framework);
  // On a sub-cluster only evaluation outcomes are counted: the shapes a smaller world size cannot
  // form are not news about the request.
  const enumerationRejected = pruning === null ? rejected : {};
  for (const strategy of enumerateStrategies(input, schedules, enumerationRejected)) {
    if (pruning !== null && pruning.bound(strategy) >= pruning.incumbentSeconds) {
      countRejection(rejected, 'fewer-nodes-bound-not-faster');
      continue;
    }
    if (candidates >= budget) {
      truncated = true;
      break;
    }
    candidates++;
    const result = evaluateCandidate({ ...problem, cluster }, strategy, {
      ...options,
      // Partial recompute only where the launch config can say it (Megatron's block method).
      searchRecomputeLayers:
        problem.constraints.recomputeLayers === undefined &&
        recomputesLayerSubset(problem.training.framework),
    });
    if (!result.ok) {
      countRejection(rejected, result.reason);
      continue;
    }
    feasible++;
    keepTop(top, result, finalistCount(problem.topK));
  }
  const refined = refineWithSimulation({ ...problem, cluster }, top);
  countRejection(rejected, 'out-of-memory', top.length - refined.length);
  refined.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  return {
    cluster,
    top: distinctShapes(refined).slice(0, problem.topK + 1),
    stats: { candidates, feasible: feasible - (top.length - refined.length), rejected, truncated },
  };
}

function noPlan(stats: SearchStats, cluster: ClusterProfile): PlanningError {
  const reasons = Object.entries(stats.rejected)
    .map(([r, n]) => `${r}: ${n}`)
    .join(', ');
  return new PlanningError(
    'no-feasible-plan',
    `no feasible strategy on ${worldSize(cluster)} × ${cluster.device.id} (${stats.candidates} candidates evaluated; rejected — ${reasons || 'none generated'})`,
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

/**
 * Searches the given cluster, then the same cluster with fewer nodes, largest first, while the
 * compute bound of the smaller cluster is below the best step time found: with a fixed global
 * batch more GPUs can be slower (dp must divide the batch; a world size with an awkward factor
 * forces a worse shape), and a planner that answers "slower" when given more GPUs is wrong. So the
 * best plan is never slower than the best plan on any subset of whole nodes (tested as a property).
 */
function searchNodeCounts(problem: PlanningProblem, options: PlannerOptions): SearchOutcome[] {
  const deepspeedSplit = memoisedDeepspeedSplit(problem.graph.spec.numLayers);
  const full = searchCluster(
    problem,
    problem.cluster,
    options,
    problem.maxCandidates,
    null,
    deepspeedSplit,
  );
  const outcomes = [full];
  if (!mayLeaveNodesIdle(problem)) return outcomes;
  let best = stepSeconds(full.top[0]);
  let used = full.stats.candidates;
  const bound = createStepBound(problem.graph, problem.cluster, problem.training);
  for (let nodes = problem.cluster.numNodes - 1; nodes >= 1; nodes--) {
    const cluster = { ...problem.cluster, numNodes: nodes };
    if (clusterSecondsLowerBound(problem.graph, cluster, problem.training) >= best) break;
    if (modelStatesCannotFit(problem.graph, cluster)) break;
    if (used >= problem.maxCandidates) break;
    const outcome = searchCluster(
      problem,
      cluster,
      options,
      problem.maxCandidates - used,
      { incumbentSeconds: best, bound },
      deepspeedSplit,
    );
    used += outcome.stats.candidates;
    outcomes.push(outcome);
    best = Math.min(best, stepSeconds(outcome.top[0]));
  }
  return outcomes;
}

function mergeStats(outcomes: readonly SearchOutcome[], best: SearchOutcome | null): SearchStats {
  const rejected: RejectionCounts = {};
  for (const o of outcomes) {
    for (const [reason, n] of Object.entries(o.stats.rejected)) countRejection(rejected, reason, n);
  }
  const [full] = outcomes;
  return {
    candidates: outcomes.reduce((a, o) => a + o.stats.candidates, 0),
    feasible: outcomes.reduce((a, o) => a + o.stats.feasible, 0),
    rejected,
    truncated: outcomes.some((o) => o.stats.truncated),
    idleNodes:
      best === null || full === undefined ? 0 : full.cluster.numNodes - best.cluster.numNodes,
    allNodesStepTimeSeconds: full?.top[0]?.estimate.stepTimeSeconds ?? null,
  };
}

/** Plan for a fixed cluster, possibly leaving whole nodes idle (see searchNodeCounts). */
function planFixed(problem: PlanningProblem, options: PlannerOptions): PlanResult {
  // One memo of layer costs per planning call, shared by every candidate (estimate-cache.ts).
  const outcomes = searchNodeCounts(problem, {
    ...options,
    cache: options.cache ?? createEstimateCache(),
  });
  const ranked = outcomes
    .flatMap((o) => o.top.map((candidate) => ({ cluster: o.cluster, candidate })))
    .sort((a, b) =>
      better(a.candidate, b.candidate) ? -1 : better(b.candidate, a.candidate) ? 1 : 0,
    );
  const [best, ...rest] = ranked;
  const bestOutcome = outcomes.find((o) => o.cluster === best?.cluster) ?? null;
  const stats = mergeStats(outcomes, bestOutcome);
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
  if (problem.objective === 'min-gpus') return planMinGpus(problem, options);
  return planFixed(problem, options);
}

export { countRejection };
