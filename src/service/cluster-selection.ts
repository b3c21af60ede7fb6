/**
 * POST /v1/cluster-selections (issue #5): an inventory of node types (up to maxNodes each) →
 * selectClusterUnderBudget → the Pareto frontier of (step time, $/hour) and the chosen point.
 * The frontier is computed without the budget and the choice made here with the domain's own
 * rule (chooseFrontierPoint), so that "nothing meets the budget" answers the frontier with
 * chosen: null instead of a bare 422.
 */
import { performance } from 'node:perf_hooks';
import { PlanningError } from '../costmodel/index.js';
import type {
  AccuracyBands,
  HeterogeneousCluster,
  ProfileCatalog,
} from '../hardware-profiles/index.js';
import { chooseFrontierPoint, selectClusterUnderBudget } from '../search/index.js';
import { ApiError, SEARCH_DEFAULTS } from '../contract/index.js';
import { checkPrices, heteroClusterFromInput } from './hetero-plans.js';
import { frontierPointToApi } from './hetero-response.js';
import { specFromModelInput, trainingFromInput } from './map-request.js';
import type { TrainingConfig } from '../costmodel/index.js';
import { buildModelGraph } from '../graph/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import type { ClusterSelectionRequest, ClusterSelectionResponse } from '../contract/index.js';

/**
 * A cluster selection in domain terms, plain data for a worker: the model as its spec, the
 * inventory as node groups, the budget and target the choice is made with.
 */
export interface SelectionProblem {
  readonly spec: TransformerSpec;
  readonly inventory: HeterogeneousCluster;
  readonly training: TrainingConfig;
  readonly prices?: Readonly<Record<string, number>>;
  readonly budgetUsdPerHour: number;
  readonly stepTimeTargetSeconds: number | undefined;
  readonly timeLimitMilliseconds: number;
  /** Error bands for the frontier plans' estimates (the catalog's accuracy file). */
  readonly accuracy: AccuracyBands;
}

/** Validate and map (cheap; on the thread that received the request, before any worker). */
export function prepareClusterSelection(
  catalog: ProfileCatalog,
  request: ClusterSelectionRequest,
): SelectionProblem {
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
  return {
    spec: specFromModelInput(catalog, request.model),
    inventory,
    training: trainingFromInput(request.training),
    ...(request.prices === undefined ? {} : { prices: request.prices }),
    budgetUsdPerHour: request.budgetUsdPerHour ?? Number.POSITIVE_INFINITY,
    stepTimeTargetSeconds: request.stepTimeTargetSeconds,
    timeLimitMilliseconds: (request.timeLimitSeconds ?? SEARCH_DEFAULTS.timeLimitSeconds) * 1000,
    accuracy: catalog.accuracy,
  };
}

function selectOrExplain(problem: SelectionProblem) {
  try {
    return selectClusterUnderBudget({
      graph: buildModelGraph(problem.spec, problem.training.sequenceLength),
      inventory: problem.inventory,
      training: problem.training,
      ...(problem.prices === undefined ? {} : { prices: problem.prices }),
    });
  } catch (error) {
    // Without a budget the domain only fails this way when no sub-cluster has a feasible plan.
    if (!(error instanceof PlanningError) || error.reason !== 'no-feasible-plan') throw error;
    throw new ApiError('INFEASIBLE', 'no sub-cluster of the inventory admits a feasible plan', {
      field: 'inventory',
      details: { reason: error.reason },
    });
  }
}

/** Solve a prepared cluster selection in the calling thread. */
export function solveClusterSelection(problem: SelectionProblem): ClusterSelectionResponse {
  const started = performance.now();
  const result = selectOrExplain(problem);
  const gpusPerNode = problem.inventory.groups.map((g) => g.gpusPerNode);
  const chosen =
    chooseFrontierPoint(result.frontier, problem.budgetUsdPerHour, problem.stepTimeTargetSeconds) ??
    null;
  return {
    chosen: chosen === null ? null : frontierPointToApi(chosen, gpusPerNode, problem.accuracy),
    frontier: result.frontier.map((p) => frontierPointToApi(p, gpusPerNode, problem.accuracy)),
    clustersEvaluated: result.clustersEvaluated,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}

/** Prepare and solve in the calling thread (library, tools). */
export function runClusterSelection(
  catalog: ProfileCatalog,
  request: ClusterSelectionRequest,
): ClusterSelectionResponse {
  return solveClusterSelection(prepareClusterSelection(catalog, request));
}
