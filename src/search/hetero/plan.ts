/**
 * planHeterogeneous: the heterogeneous planner's entry point (issue #5).
 *  1. One group → the v1 planner, unchanged (kind 'homogeneous').
 *  2. Otherwise candidates of three kinds, all subsets of the cluster: v1 on each single group;
 *     heterogeneous data parallelism over every subset of ≥ 2 groups (HAP, EuroSys'24 §5);
 *     heterogeneous pipelines (Metis ATC'24 §5, FASOP HPDC'24 §4), generated below the incumbent
 *     by a lower bound on the simulated step and evaluated best-bound-first up to maxCandidates.
 * Objective: 'fastest' = step seconds; 'cheapest' = $ per step of the GPUs used. Ties break on a
 * stable key (kind, then GPUs per group, then layout). Pure and deterministic.
 */
import { PlanningError } from '../../costmodel/index.js';
import { SECONDS_PER_HOUR } from '../../base/index.js';
import type { HeterogeneousCluster, ClusterProfile } from '../../hardware-profiles/index.js';
import { planTraining } from '../plan.js';
import { countRejection } from '../enumerate.js';
import type { AssemblyContext } from './assemble.js';
import type { BaselineSink } from './baselines.js';
import {
  baselineBound,
  baselineOrder,
  clusterBound,
  keepThreshold,
  runBaseline,
  v1Problem,
} from './baselines.js';
import {
  dataParallelHeteroPlan,
  groupPriceUsdPerGpuHour,
  homogeneousHeteroPlan,
  pipelineHeteroPlan,
} from './assemble.js';
import type { GroupStrategy } from './data-parallel.js';
import { crossGroupSyncSeconds, evaluateDataParallel, groupStrategies } from './data-parallel.js';
import { batchSplitFinishLowerBound } from './batch-lp.js';
import type { PipelineEvaluation, StageModelCache } from './pipeline.js';
import { evaluatePipeline } from './pipeline.js';
import { generatePipelineCandidates, pipelineGroupOrder } from './pipeline-search.js';
import type { HeteroObjective, HeteroProblem, HeteroResult, HeteroSearchStats } from './types.js';
import type { HeteroPlan } from '../../plan/index.js';

const DEFAULT_MAX_CANDIDATES = 2_000;
const DEFAULT_TOP_K = 3;

/** The objective value of a plan (smaller is better). */
export function objectiveValue(plan: HeteroPlan, objective: HeteroObjective): number {
  if (objective === 'fastest') return plan.stepTimeSeconds;
  return plan.costUsdPerStep ?? Number.POSITIVE_INFINITY;
}

function planKey(p: HeteroPlan): string {
  const layout = p.stages?.map((s) => `${s.group}:${s.tp}:${s.layers[1]}`).join(',') ?? '';
  const replicas =
    p.replicas?.map((r) => `${r.group}:${r.tp}:${r.pp}:${r.globalBatchShare}`).join(',') ?? '';
  return [p.kind, p.gpusPerGroup.join('.'), p.microBatchSize, layout, replicas].join('|');
}

export function comparePlans(a: HeteroPlan, b: HeteroPlan, objective: HeteroObjective): number {
  const d = objectiveValue(a, objective) - objectiveValue(b, objective);
  if (d !== 0) return d;
  const ka = planKey(a);
  const kb = planKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function requirePrices(x: AssemblyContext, cluster: HeterogeneousCluster): void {
  for (const g of cluster.groups) {
    if (groupPriceUsdPerGpuHour(x, g) === null) {
      throw new PlanningError(
        'unsupported',
        `no price for ${g.device.id}: pass prices["${g.device.id}"] ($/GPU-hour)`,
        'prices',
      );
    }
  }
}

function singleGroupResult(p: HeteroProblem, x: AssemblyContext): HeteroResult {
  const result = planTraining(v1Problem(p, p.cluster.groups[0] as ClusterProfile));
  return {
    best: homogeneousHeteroPlan(x, 0, result.best),
    alternatives: result.alternatives.map((plan) => homogeneousHeteroPlan(x, 0, plan)),
    search: {
      candidates: result.search.candidates,
      feasible: result.search.feasible,
      rejected: result.search.rejected,
      pruned: 0,
      truncated: result.search.truncated,
      lowerBoundSeconds: result.search.lowerBoundSeconds,
      gapFraction: result.search.gapFraction,
    },
  };
}

type Collected = BaselineSink;

/**
 * Groups up to this many nodes also offer hetero-DP members on fewer of their nodes (every count
 * 1..n), so that adding a node never removes a candidate; larger groups offer whole-group members
 * only (each node count costs a fresh fit of the group's strategies, ~10–40 ms).
 */
const MAX_NODES_WITH_NODE_VARIANTS = 16;

function memberOptions(x: AssemblyContext, g: number): GroupStrategy[] {
  const n = (x.cluster.groups[g] as ClusterProfile).numNodes;
  if (n > MAX_NODES_WITH_NODE_VARIANTS) return groupStrategies(x, g);
  return Array.from({ length: n }, (_, i) => groupStrategies(x, g, n - i)).flat();
}

/**
 * Every subset (bit mask) of ≥ 2 groups, combined with each group's member options; a combination
 * whose LP optimum plus the cross-group sync cannot beat the incumbent is skipped unsolved.
 */
function dataParallelPlans(
  p: HeteroProblem,
  x: AssemblyContext,
  c: Collected,
  incumbent: number,
): void {
  const perGroup = p.cluster.groups.map((_, g) => memberOptions(x, g));
  const n = p.cluster.groups.length;
  let best = incumbent;
  let evaluated = 0;
  let lowestPruned: { combo: GroupStrategy[]; bound: number } | null = null;
  const evaluate = (combo: GroupStrategy[]): void => {
    evaluated++;
    c.candidates++;
    const e = evaluateDataParallel(x, combo);
    if (e === null) countRejection(c.rejected, 'hetero-dp-infeasible');
    else {
      c.feasible++;
      const plan = dataParallelHeteroPlan(x, e);
      c.plans.push(plan);
      best = Math.min(best, objectiveValue(plan, p.objective));
    }
  };
  for (let mask = 1; mask < 1 << n; mask++) {
    const members = perGroup.filter((_, g) => (mask & (1 << g)) !== 0);
    if (members.length < 2 || members.some((m) => m.length === 0)) continue;
    const sync = crossGroupSyncSeconds(x, members.length);
    for (const combo of product(members)) {
      const bound =
        batchSplitFinishLowerBound(
          combo.map((m) => m.timing),
          p.training.globalBatchSize,
        ) + sync;
      if (p.objective === 'fastest' && bound >= best) {
        c.pruned++;
        if (lowestPruned === null || bound < lowestPruned.bound) lowestPruned = { combo, bound };
        continue;
      }
      evaluate(combo);
    }
  }
  // When the bound skipped every combination, still evaluate the most promising one, so the plan
  // can say with a number why mixed data parallelism lost.
  if (evaluated === 0 && lowestPruned !== null) evaluate(lowestPruned.combo);
}

function product(lists: readonly GroupStrategy[][]): GroupStrategy[][] {
  return lists.reduce<GroupStrategy[][]>(
    (acc, list) => acc.flatMap((a) => list.map((s) => [...a, s])),
    [[]],
  );
}

function pipelinePlans(
  p: HeteroProblem,
  x: AssemblyContext,
  c: Collected,
  incumbent: number,
): void {
  const cache: StageModelCache = new Map();
  const context = { graph: p.graph, cluster: p.cluster, training: p.training, cache };
  const perSecond = p.cluster.groups.map(
    (g) => (groupPriceUsdPerGpuHour(x, g) ?? 0) / SECONDS_PER_HOUR,
  );
  const dollars = p.objective === 'cheapest' ? perSecond : null;
  const gen = generatePipelineCandidates({
    context,
    order: pipelineGroupOrder(p.cluster),
    dollarsPerGpuSecond: dollars,
    incumbent,
  });
  c.pruned += gen.pruned;
  if (gen.capped) {
    // Leaves past the cap were never bounded: fall back to the bound of the whole cluster.
    countRejection(c.rejected, 'generation-cap');
    c.unexploredBound = Math.min(c.unexploredBound, clusterBound(x, p.objective));
  }
  const limit = p.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const evaluated: { e: PipelineEvaluation; value: number }[] = [];
  let best = incumbent;
  for (const ranked of gen.ranked) {
    if (ranked.bound >= best) break; // bound: no later candidate can beat the incumbent
    if (evaluated.length >= limit) {
      countRejection(c.rejected, 'max-candidates');
      c.unexploredBound = Math.min(c.unexploredBound, ranked.bound); // ranked by bound: the least
      break;
    }
    c.candidates++;
    const e = evaluatePipeline(context, ranked.candidate);
    if (e === null) {
      countRejection(c.rejected, 'out-of-memory');
      continue;
    }
    c.feasible++;
    const gpuDollars =
      dollars === null
        ? 1
        : e.models.reduce(
            (a, m) =>
              a +
              m.shape.tp * m.shape.dp * (perSecond[p.cluster.groups.indexOf(m.shape.group)] ?? 0),
            0,
          );
    const value = e.stepTimeSeconds * gpuDollars;
    evaluated.push({ e, value });
    best = Math.min(best, value);
  }
  evaluated.sort((a, b) => a.value - b.value);
  for (const { e } of evaluated.slice(0, (p.topK ?? DEFAULT_TOP_K) + 1)) {
    c.plans.push(pipelineHeteroPlan(x, e));
  }
}

/**
 * When one GPU type alone wins on a mixed cluster, say why not mixed, with the numbers: the best
 * mixed pipeline and mixed data-parallel candidates and their objective values.
 */
function explainSingleType(
  best: HeteroPlan,
  plans: readonly HeteroPlan[],
  objective: HeteroObjective,
): HeteroPlan {
  if (best.kind !== 'homogeneous') return best;
  const unit = objective === 'fastest' ? 's/step' : '$/step';
  const fmt = (v: number): string => (objective === 'fastest' ? v.toFixed(3) : v.toFixed(4));
  const mixed = (['hetero-pipeline', 'hetero-data-parallel'] as const).map((kind) => {
    const found = plans.find((plan) => plan.kind === kind);
    return found === undefined
      ? `no feasible ${kind} candidate`
      : `best ${kind} ${fmt(objectiveValue(found, objective))} ${unit} on ${found.gpusPerGroup.join('+')} GPUs`;
  });
  const note = `one GPU type alone is best (${fmt(objectiveValue(best, objective))} ${unit}): ${mixed.join('; ')}`;
  return { ...best, launcher: { ...best.launcher, notes: [...best.launcher.notes, note] } };
}

/**
 * truncated / lowerBoundSeconds / gapFraction (as the homogeneous search reports them) from the
 * lowest bound of what the caps left unsearched, in objective units.
 */
function anytimeStats(
  best: HeteroPlan,
  unexploredBound: number,
  objective: HeteroObjective,
): Pick<HeteroSearchStats, 'truncated' | 'lowerBoundSeconds' | 'gapFraction'> {
  const value = objectiveValue(best, objective);
  const lower = Math.min(value, unexploredBound);
  const gapFraction = value > 0 ? (value - lower) / value : 0;
  return {
    truncated: unexploredBound < value,
    lowerBoundSeconds: objective === 'fastest' ? lower : best.stepTimeSeconds * (1 - gapFraction),
    gapFraction,
  };
}

/** Plan training on a heterogeneous cluster (see the file comment). */
export function planHeterogeneous(p: HeteroProblem): HeteroResult {
  const x: AssemblyContext = {
    graph: p.graph,
    cluster: p.cluster,
    training: p.training,
    prices: p.prices ?? {},
  };
  if (p.objective === 'cheapest') requirePrices(x, p.cluster);
  if (p.cluster.groups.length === 1) return singleGroupResult(p, x);
  const c: Collected = {
    plans: [],
    candidates: 0,
    feasible: 0,
    pruned: 0,
    rejected: {},
    unexploredBound: Number.POSITIVE_INFINITY,
  };
  const values = (): number[] => c.plans.map((plan) => objectiveValue(plan, p.objective));
  const incumbent = (): number => Math.min(...values());
  // The most promising group alone first (and the next, while one has no feasible plan): its plan
  // is the incumbent the mixed searches prune by.
  const order = baselineOrder(x, p.objective);
  let planned = 0;
  while (planned < order.length && c.plans.length === 0) {
    runBaseline(p, x, c, order[planned++] as number);
  }
  dataParallelPlans(p, x, c, incumbent());
  pipelinePlans(p, x, c, incumbent());
  for (const g of order.slice(planned)) {
    if (baselineBound(x, g, p.objective) > keepThreshold(values(), p.topK ?? DEFAULT_TOP_K)) {
      c.pruned++;
      continue;
    }
    runBaseline(p, x, c, g);
  }
  c.plans.sort((a, b) => comparePlans(a, b, p.objective));
  const [best, ...rest] = c.plans;
  if (best === undefined) {
    throw new PlanningError(
      'no-feasible-plan',
      `no feasible plan on ${p.cluster.id} (${c.candidates} candidates; rejected ${JSON.stringify(c.rejected)})`,
      'cluster',
      { ...c },
    );
  }
  return {
    best: explainSingleType(best, c.plans, p.objective),
    alternatives: rest.slice(0, p.topK ?? DEFAULT_TOP_K),
    search: {
      candidates: c.candidates,
      feasible: c.feasible,
      rejected: c.rejected,
      pruned: c.pruned,
      ...anytimeStats(best, c.unexploredBound, p.objective),
    },
  };
}
