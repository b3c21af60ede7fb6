/**
 * Cluster selection under a budget (FASOP, Hwang et al. HPDC'24 §4.3: search the cheapest
 * heterogeneous cluster configuration under a cost limit). Given an inventory (up to N nodes of
 * each group), try node counts {0} ∪ {powers of two < N} ∪ {N} per group, plan each sub-cluster
 * ('fastest'), and return the Pareto frontier of (step seconds, $/hour) plus the choice: the
 * fastest plan within budgetUsdPerHour, or the cheapest per hour meeting stepTimeTargetSeconds.
 */
import { PlanningError } from '../../costmodel/index.js';
import type { TrainingConfig } from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { HeterogeneousCluster, ClusterProfile } from '../../hardware-profiles/index.js';
import { groupPriceUsdPerGpuHour } from './assemble.js';
import { planHeterogeneous } from './plan.js';
import type { PriceTable } from './types.js';
import type { HeteroPlan } from '../../plan/index.js';

/** The inventory is a HeterogeneousCluster whose numNodes are the maxima available. */
export type Inventory = HeterogeneousCluster;
export interface InventoryItem {
  readonly group: number;
  readonly nodes: number;
}

export interface BudgetProblem {
  readonly graph: ModelGraph;
  readonly inventory: Inventory;
  readonly training: TrainingConfig;
  readonly prices?: PriceTable;
  readonly budgetUsdPerHour?: number;
  readonly stepTimeTargetSeconds?: number;
  readonly maxCandidates?: number;
}

export interface ParetoPoint {
  readonly nodesPerGroup: readonly number[];
  readonly stepTimeSeconds: number;
  readonly costUsdPerHour: number;
  readonly plan: HeteroPlan;
}

export interface BudgetResult {
  readonly chosen: ParetoPoint;
  /** Non-dominated points, by $/hour ascending (step time then descending). */
  readonly frontier: readonly ParetoPoint[];
  readonly clustersEvaluated: number;
}

function nodeChoices(max: number): number[] {
  const out = [0];
  for (let n = 1; n < max; n *= 2) out.push(n);
  out.push(max);
  return out;
}

/** Points not dominated in (step seconds, $/hour); ties keep the first in input order. */
export function paretoFrontier(points: readonly ParetoPoint[]): ParetoPoint[] {
  const sorted = [...points].sort(
    (a, b) => a.costUsdPerHour - b.costUsdPerHour || a.stepTimeSeconds - b.stepTimeSeconds,
  );
  const out: ParetoPoint[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || p.stepTimeSeconds < last.stepTimeSeconds) out.push(p);
  }
  return out;
}

function subCluster(inv: Inventory, nodes: readonly number[]): HeterogeneousCluster | null {
  const groups: ClusterProfile[] = [];
  nodes.forEach((n, g) => {
    const group = inv.groups[g];
    if (n > 0 && group !== undefined) groups.push({ ...group, numNodes: n });
  });
  return groups.length === 0 ? null : { ...inv, groups };
}

function combinations(maxima: readonly number[]): number[][] {
  return maxima.reduce<number[][]>(
    (acc, max) => acc.flatMap((a) => nodeChoices(max).map((n) => [...a, n])),
    [[]],
  );
}

function evaluateSubset(p: BudgetProblem, nodes: readonly number[]): ParetoPoint | null {
  const cluster = subCluster(p.inventory, nodes);
  if (cluster === null) return null;
  try {
    const problem = {
      graph: p.graph,
      cluster,
      training: p.training,
      objective: 'fastest' as const,
      ...(p.prices === undefined ? {} : { prices: p.prices }),
      ...(p.maxCandidates === undefined ? {} : { maxCandidates: p.maxCandidates }),
    };
    const plan = planHeterogeneous(problem).best;
    // Bill the whole sub-cluster: the nodes are rented even if the plan leaves GPUs idle.
    const cost = cluster.groups.reduce(
      (a, g) =>
        a +
        g.numNodes *
          g.gpusPerNode *
          (groupPriceUsdPerGpuHour({ prices: p.prices ?? {} }, g) ?? NaN),
      0,
    );
    return {
      nodesPerGroup: nodes,
      stepTimeSeconds: plan.stepTimeSeconds,
      costUsdPerHour: cost,
      plan,
    };
  } catch (error) {
    if (error instanceof PlanningError) return null;
    throw error;
  }
}

/**
 * The budget rule: the fastest frontier point within `budgetUsdPerHour`, or, with a step-time
 * target, the cheapest point meeting it (and the budget). The frontier is sorted by step time.
 */
export function chooseFrontierPoint(
  frontier: readonly ParetoPoint[],
  budgetUsdPerHour: number,
  stepTimeTargetSeconds: number | undefined,
): ParetoPoint | undefined {
  const target = stepTimeTargetSeconds;
  return target === undefined
    ? [...frontier].reverse().find((q) => q.costUsdPerHour <= budgetUsdPerHour)
    : frontier.find((q) => q.stepTimeSeconds <= target && q.costUsdPerHour <= budgetUsdPerHour);
}

/** Choose sub-cluster and plan under a $/hour budget or a step-time target (see file comment). */
export function selectClusterUnderBudget(p: BudgetProblem): BudgetResult {
  const maxima = p.inventory.groups.map((g) => g.numNodes);
  const points: ParetoPoint[] = [];
  let evaluated = 0;
  for (const nodes of combinations(maxima)) {
    const point = evaluateSubset(p, nodes);
    if (point === null) continue;
    evaluated++;
    if (Number.isNaN(point.costUsdPerHour)) {
      throw new PlanningError(
        'unsupported',
        'an inventory accelerator has no price; pass prices',
        'prices',
      );
    }
    points.push(point);
  }
  const frontier = paretoFrontier(points);
  const budget = p.budgetUsdPerHour ?? Number.POSITIVE_INFINITY;
  const target = p.stepTimeTargetSeconds;
  const chosen = chooseFrontierPoint(frontier, budget, target);
  if (chosen === undefined) {
    throw new PlanningError(
      'no-feasible-plan',
      `no sub-cluster meets budget ${budget} $/h${target === undefined ? '' : ` and step target ${target} s`}`,
      'budgetUsdPerHour',
      { frontierSize: frontier.length },
    );
  }
  return { chosen, frontier, clustersEvaluated: evaluated };
}
