/**
 * The single-group baselines of the heterogeneous planner: v1 on each group alone. v1 is the
 * dearest part of a hetero search (a full homogeneous search per group), so a group is planned
 * only when its compute bound can still matter: the group whose bound is lowest goes first (its
 * plan is the incumbent the mixed searches prune against), every other group after them, and only
 * while its bound is below the (topK + 1)-th best objective found so far — above that its plan
 * could be neither the best nor an alternative, so skipping it changes no answer.
 *
 * Bound (clusterSecondsLowerBound): matmul FLOPs / (GPUs × peak), no bubble and no communication,
 * below every v1 plan on the group; v1 may leave whole nodes idle, which only raises the step
 * time. For 'cheapest', $ per step of the GPUs used = step × GPUs × $/GPU-s ≥ FLOPs × $/GPU-s /
 * peak, the same for every node count, so the full group's bound times its GPUs bounds it too.
 */
import { PlanningError, clusterSecondsLowerBound } from '../../costmodel/index.js';
import { SECONDS_PER_HOUR } from '../../base/index.js';
import type { ClusterProfile } from '../../hardware-profiles/index.js';
import { worldSize } from '../../hardware-profiles/index.js';
import type { HeteroPlan } from '../../plan/index.js';
import { planTraining } from '../plan.js';
import type { PlanningProblem } from '../types.js';
import { countRejection } from '../enumerate.js';
import type { AssemblyContext } from './assemble.js';
import { groupPriceUsdPerGpuHour, homogeneousHeteroPlan } from './assemble.js';
import type { HeteroObjective, HeteroProblem } from './types.js';

/** v1 candidate cap per single-group baseline (the v1 API default order of magnitude). */
const V1_MAX_CANDIDATES = 100_000;
const DEFAULT_TOP_K = 3;
/** Keeps a bound computed in floating point from crossing a plan's value by an ulp. */
const BOUND_SLACK = 1 - 1e-12;

/** What the baselines add to the planner's collection. */
export interface BaselineSink {
  plans: HeteroPlan[];
  candidates: number;
  feasible: number;
  pruned: number;
  rejected: Record<string, number>;
  /** Lowest objective bound of any part of the space left unsearched (+∞: none). */
  unexploredBound: number;
}

/** The v1 problem on one group. */
export function v1Problem(p: HeteroProblem, group: ClusterProfile): PlanningProblem {
  return {
    graph: p.graph,
    cluster: group,
    training: p.training,
    constraints: {},
    objective: 'fastest',
    topK: p.topK ?? DEFAULT_TOP_K,
    stepTimeTargetSeconds: null,
    maxCandidates: V1_MAX_CANDIDATES,
  };
}

/** Lower bound on the objective of every v1 plan on group g (see the file comment). */
export function baselineBound(x: AssemblyContext, g: number, objective: HeteroObjective): number {
  const group = x.cluster.groups[g] as ClusterProfile;
  const seconds = clusterSecondsLowerBound(x.graph, group, x.training) * BOUND_SLACK;
  if (objective === 'fastest') return seconds;
  const price = groupPriceUsdPerGpuHour(x, group) ?? 0;
  return (seconds * worldSize(group) * price) / SECONDS_PER_HOUR;
}

/**
 * Lower bound on the objective of any plan on any subset of the cluster: 'fastest' — the FLOPs at
 * every GPU's peak, 1 / Σ_g 1 / bound_g; 'cheapest' — GPU-seconds of the cheapest FLOPs,
 * min_g bound_g (the per-group $ bound does not depend on how many of its GPUs are used).
 */
export function clusterBound(x: AssemblyContext, objective: HeteroObjective): number {
  const bounds = x.cluster.groups.map((_, g) => baselineBound(x, g, objective));
  if (objective === 'cheapest') return Math.min(...bounds);
  return 1 / bounds.reduce((a, b) => a + 1 / b, 0);
}

/** Groups by ascending baseline bound (ties: group index). */
export function baselineOrder(x: AssemblyContext, objective: HeteroObjective): number[] {
  const bounds = x.cluster.groups.map((_, g) => baselineBound(x, g, objective));
  return bounds.map((_, g) => g).sort((a, b) => (bounds[a] ?? 0) - (bounds[b] ?? 0) || a - b);
}

/** Plan group g with v1 and add the plan (or the reason it has none) to the sink. */
export function runBaseline(
  p: HeteroProblem,
  x: AssemblyContext,
  c: BaselineSink,
  g: number,
): void {
  try {
    const r = planTraining(v1Problem(p, x.cluster.groups[g] as ClusterProfile));
    c.candidates += r.search.candidates;
    c.feasible += r.search.feasible;
    const plan = homogeneousHeteroPlan(x, g, r.best);
    c.plans.push(plan);
    if (r.search.truncated) {
      const bound = r.search.lowerBoundSeconds;
      const value =
        p.objective === 'fastest'
          ? bound
          : ((plan.costUsdPerStep ?? 0) * bound) / plan.stepTimeSeconds;
      c.unexploredBound = Math.min(c.unexploredBound, value);
    }
  } catch (error) {
    if (!(error instanceof PlanningError)) throw error;
    countRejection(c.rejected, `group-${g}-${error.reason}`);
  }
}

/**
 * The (topK + 1)-th smallest objective value among the plans (+∞ with fewer): a plan whose value
 * is above it can be neither the best nor an alternative.
 */
export function keepThreshold(values: readonly number[], topK: number): number {
  if (values.length <= topK) return Number.POSITIVE_INFINITY;
  return [...values].sort((a, b) => a - b)[topK] ?? Number.POSITIVE_INFINITY;
}
