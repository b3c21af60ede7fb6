/**
 * POST /v1/cluster-selections (issue #5): an inventory of node types (up to maxNodes each) →
 * selectClusterUnderBudget → the Pareto frontier of (step time, $/hour) and the chosen point.
 * The frontier is computed without the budget and the choice made here with the same rule as
 * search/hetero/budget.ts, so that "nothing meets the budget" answers the frontier with
 * chosen: null instead of a bare 422.
 */
import { performance } from 'node:perf_hooks';
import { PlanningError } from '../costmodel/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import type { ParetoPoint } from '../search/index.js';
import { selectClusterUnderBudget } from '../search/index.js';
import { ApiError } from '../contract/errors.js';
import { checkPrices, heteroClusterFromInput } from './hetero-plans.js';
import { frontierPointToApi } from './hetero-response.js';
import { SEARCH_DEFAULTS } from '../contract/limits.js';
import { graphFromModelInput, trainingFromInput } from './map-request.js';
import type { ClusterSelectionRequest, ClusterSelectionResponse } from '../contract/schemas.js';

/** Validate and map (cheap; the route calls it on the main thread before using a worker). */
export function toBudgetProblem(catalog: ProfileCatalog, request: ClusterSelectionRequest) {
  checkPrices(catalog, request.prices, 'prices');
  const groups = request.inventory.map(({ maxNodes, ...node }) => ({ ...node, nodes: maxNodes }));
  const inventory = heteroClusterFromInput(
    catalog,
    { groups, ...(request.interGroup === undefined ? {} : { interGroup: request.interGroup }) },
    { groups: 'inventory', nodes: 'maxNodes' },
    'inventory',
  );
  for (const g of inventory.groups) {
    if ((request.prices?.[g.device.id] ?? g.device.priceUsdPerGpuHour) === null) {
      throw new ApiError(
        'INFEASIBLE',
        `no price for ${g.device.id}: pass prices["${g.device.id}"] ($/GPU-hour)`,
        { field: 'prices', details: { reason: 'unsupported', accelerator: g.device.id } },
      );
    }
  }
  const training = trainingFromInput(request.training);
  return {
    graph: graphFromModelInput(catalog, request.model, training.sequenceLength),
    inventory,
    training,
    ...(request.prices === undefined ? {} : { prices: request.prices }),
  };
}

export function selectionTimeLimitMilliseconds(request: ClusterSelectionRequest): number {
  return (request.timeLimitSeconds ?? SEARCH_DEFAULTS.timeLimitSeconds) * 1000;
}

/** Fastest within budget, or cheapest meeting the step-time target (and budget); else null. */
function choose(
  frontier: readonly ParetoPoint[],
  request: ClusterSelectionRequest,
): ParetoPoint | null {
  const budget = request.budgetUsdPerHour ?? Number.POSITIVE_INFINITY;
  const target = request.stepTimeTargetSeconds;
  const chosen =
    target === undefined
      ? [...frontier].reverse().find((q) => q.costUsdPerHour <= budget)
      : frontier.find((q) => q.stepTimeSeconds <= target && q.costUsdPerHour <= budget);
  return chosen ?? null;
}

function selectOrExplain(problem: ReturnType<typeof toBudgetProblem>) {
  try {
    return selectClusterUnderBudget(problem);
  } catch (error) {
    // Without a budget the domain only fails this way when no sub-cluster has a feasible plan.
    if (!(error instanceof PlanningError) || error.reason !== 'no-feasible-plan') throw error;
    throw new ApiError('INFEASIBLE', 'no sub-cluster of the inventory admits a feasible plan', {
      field: 'inventory',
      details: { reason: error.reason },
    });
  }
}

/** Run a cluster selection in the calling thread. */
export function runClusterSelection(
  catalog: ProfileCatalog,
  request: ClusterSelectionRequest,
): ClusterSelectionResponse {
  const started = performance.now();
  const problem = toBudgetProblem(catalog, request);
  const result = selectOrExplain(problem);
  const gpusPerNode = problem.inventory.groups.map((g) => g.gpusPerNode);
  const chosen = choose(result.frontier, request);
  return {
    chosen: chosen === null ? null : frontierPointToApi(chosen, gpusPerNode),
    frontier: result.frontier.map((p) => frontierPointToApi(p, gpusPerNode)),
    clustersEvaluated: result.clustersEvaluated,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
