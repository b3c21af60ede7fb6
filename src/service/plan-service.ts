/**
 * The two operations behind POST /v1/plans and POST /v1/estimates, on already validated requests.
 * Shared by the HTTP routes, the plan worker and the library surface (src/lib.ts).
 */
import { performance } from 'node:perf_hooks';
import { PlanningError, estimate } from '../costmodel/index.js';
import type { CostBreakdown } from '../costmodel/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { stagePlacements } from '../plan/index.js';
import { planTraining } from '../search/index.js';
import { ApiError } from '../contract/errors.js';
import { runGraphPlan } from './graph-plans.js';
import { isHeteroPlanRequest, normalisePlanCluster, runHeteroPlan } from './hetero-plans.js';
import { planExports } from './map-export.js';
import { toEstimateInputs, toPlanningProblem } from './map-request.js';
import { estimateToApi, layoutToApi, planResultToApi, strategyToApi } from './map-response.js';
import { planId } from './plan-cache.js';
import type { PlanOutcome } from './plan-cache.js';
import { isGraphPlanRequest, isTransformerPlanRequest } from '../contract/schemas.js';
import type { EstimateRequest, PlanRequest, TransformerPlanRequest } from '../contract/schemas.js';
import type { EstimateResponse } from '../contract/response-schemas.js';

const GIB = 2 ** 30;
const gib = (bytes: number): string => `${(bytes / GIB).toFixed(1)} GiB`;

/**
 * Plan a transformer in the calling thread; search.exports are inlined in best.exports.
 * elapsedSeconds is measured here: the core reads no clocks.
 */
export function runTransformerPlan(
  catalog: ProfileCatalog,
  request: TransformerPlanRequest,
  id: string = planId(request),
): PlanOutcome {
  const started = performance.now();
  const problem = toPlanningProblem(catalog, request);
  const result = planTraining(problem);
  const spec = problem.graph.spec;
  const response = planResultToApi(result, (performance.now() - started) / 1000, id);
  const formats = request.search?.exports ?? [];
  if (formats.length > 0) response.best.exports = planExports(result.best, spec, formats);
  return { response, plans: [result.best, ...result.alternatives], spec };
}

/** Plan any request (transformer or operator graph) in the calling thread. */
export async function runPlan(
  catalog: ProfileCatalog,
  original: PlanRequest,
): Promise<PlanOutcome> {
  const request = normalisePlanCluster(catalog, original);
  const id = planId(request);
  if (isHeteroPlanRequest(request)) return runHeteroPlan(catalog, request, id);
  if (isGraphPlanRequest(request)) {
    return { response: await runGraphPlan(catalog, request, id), plans: [], spec: null };
  }
  if (isTransformerPlanRequest(request)) return runTransformerPlan(catalog, request, id);
  throw new ApiError('INTERNAL', 'unreachable: plan request is neither kind');
}

function outOfMemory(cost: CostBreakdown, deviceId: string): PlanningError {
  const m = cost.memoryBytes;
  return new PlanningError(
    'out-of-memory',
    `strategy does not fit: needs ${gib(cost.peakMemoryBytesPerGpu)} per GPU (weights ${gib(m.weights)}, gradients ${gib(m.gradients)}, optimizer ${gib(m.optimizer)}, activations ${gib(m.activations)}, other ${gib(m.other)}) but ${deviceId} has ${gib(cost.memoryCapacityBytesPerGpu)}`,
    'strategy',
    {
      requiredBytes: cost.peakMemoryBytesPerGpu,
      availableBytes: cost.memoryCapacityBytesPerGpu,
      memoryBytes: { ...m },
    },
  );
}

export { runClusterSelection } from './cluster-selection.js';

/** Estimate one strategy; a strategy that does not fit in memory is a PlanningError (→ 422). */
export function runEstimate(catalog: ProfileCatalog, request: EstimateRequest): EstimateResponse {
  const { graph, cluster, training, strategy } = toEstimateInputs(catalog, request);
  const cost = estimate(graph, cluster, strategy, training);
  if (!cost.fits) throw outOfMemory(cost, cluster.device.id);
  return {
    estimate: estimateToApi(cost),
    strategy: strategyToApi(strategy),
    layout: layoutToApi(stagePlacements(strategy, graph.spec.numLayers)),
  };
}
