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
import { toEstimateInputs, toPlanningProblem } from './map-request.js';
import { estimateToApi, layoutToApi, planResultToApi, strategyToApi } from './map-response.js';
import type { EstimateRequest, PlanRequest } from './schemas.js';
import type { EstimateResponse, PlanResponse } from './response-schemas.js';

const GIB = 2 ** 30;
const gib = (bytes: number): string => `${(bytes / GIB).toFixed(1)} GiB`;

/** Plan in the calling thread. elapsedSeconds is measured here: the core reads no clocks. */
export function runPlan(catalog: ProfileCatalog, request: PlanRequest): PlanResponse {
  const started = performance.now();
  const problem = toPlanningProblem(catalog, request);
  const result = planTraining(problem);
  return planResultToApi(result, (performance.now() - started) / 1000);
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
