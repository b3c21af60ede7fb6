/**
 * The operations behind POST /v1/plans and POST /v1/estimates: `solvePlan` runs a prepared plan
 * problem (plan-problem.ts) wherever it is called — a plan worker or the calling thread — and
 * answers one tagged outcome. Shared by the HTTP routes (through planner.ts), the plan worker
 * and the library surface (src/lib.ts). elapsedSeconds is measured here: the core reads no clocks.
 */
import { performance } from 'node:perf_hooks';
import type { PlanRequest, EstimateRequest, EstimateResponse } from '../contract/index.js';
import type { CostBreakdown, EstimateOptions, Strategy } from '../costmodel/index.js';
import { PlanningError, estimate } from '../costmodel/index.js';
import { buildModelGraph } from '../graph/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { stagePlacements } from '../plan/index.js';
import { createSimulatedPipelineModel } from '../schedule/index.js';
import { planTraining } from '../search/index.js';
import { solveGraphPlan } from './graph-plans.js';
import { solveHeteroPlan } from './hetero-plans.js';
import { planExports } from './map-export.js';
import type { EstimateInputs } from './map-request.js';
import { toEstimateInputs } from './map-request.js';
import { estimateToApi, layoutToApi, planResultToApi, strategyToApi } from './map-response.js';
import type { PlanOutcome } from './plan-cache.js';
import type { PlanProblem } from './plan-problem.js';
import { preparePlan } from './plan-problem.js';

const GIB = 2 ** 30;
const gib = (bytes: number): string => `${(bytes / GIB).toFixed(1)} GiB`;

/** Plan a transformer on one homogeneous cluster; exports are inlined in best.exports. */
function solveTransformerPlan(x: Extract<PlanProblem, { kind: 'transformer' }>): PlanOutcome {
  const { spec, problem, exports, id } = x;
  const started = performance.now();
  const graph = buildModelGraph(spec, problem.training.sequenceLength);
  // Anytime search: at the time limit the planner answers its best plan so far (truncated); the
  // pool stops the worker only later (worker-pool.ts hardTimeLimitMilliseconds).
  const deadline = started + x.timeLimitMilliseconds;
  const result = planTraining(
    { ...problem, graph },
    { shouldStop: () => performance.now() >= deadline },
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const response = planResultToApi(result, elapsedSeconds, id, x.accuracy);
  if (exports.length > 0) response.best.exports = planExports(result.best, spec, exports);
  return { kind: 'transformer', response, plans: [result.best, ...result.alternatives], spec };
}

/** Solve a prepared plan problem in the calling thread: the one dispatch on its kind. */
export async function solvePlan(problem: PlanProblem): Promise<PlanOutcome> {
  switch (problem.kind) {
    case 'transformer':
      return solveTransformerPlan(problem);
    case 'heterogeneous': {
      const graph = buildModelGraph(problem.spec, problem.problem.training.sequenceLength);
      return solveHeteroPlan({ ...problem.problem, graph }, problem.id, problem.accuracy);
    }
    case 'operator-graph':
      return {
        kind: 'operator-graph',
        response: await solveGraphPlan(problem.inputs, problem, problem.id),
      };
  }
}

/** Prepare and solve any plan request in the calling thread (library, tools). */
export async function runPlan(catalog: ProfileCatalog, request: PlanRequest): Promise<PlanOutcome> {
  return solvePlan(preparePlan(catalog, request));
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

/**
 * Estimate one strategy; a strategy that does not fit in memory is a PlanningError (→ 422).
 * `inputs` lets a caller that keeps mapped models and clusters (service/estimator.ts) pass them.
 */
/**
 * Stage-micro-batch units (pp · micro-batches · chunks · slices) up to which an estimate simulates
 * its pipeline schedule. Estimates run on the request thread: measured on the loaded 2-core
 * machine, 8 × 64 × 5 = 2,560 units simulate in tens of ms and 8 × 1,024 × 5 in ~0.3 s, while
 * numMicroBatches may be in the millions.
 */
export const SIMULATED_ESTIMATE_MAX_UNITS = 4096;

/**
 * A pipeline is timed by simulating its schedule, as the planner times its finalists
 * (search/refine.ts), so an estimate of a planned strategy answers the plan's numbers; beyond
 * SIMULATED_ESTIMATE_MAX_UNITS the closed forms (pipeline.ts) keep the request thread free.
 */
function estimatePipelineOptions(s: Strategy): EstimateOptions {
  const units = s.pp * s.numMicroBatches * s.virtualStages * s.sequenceSlices;
  return s.pp > 1 && units <= SIMULATED_ESTIMATE_MAX_UNITS
    ? { pipelineModel: createSimulatedPipelineModel() }
    : {};
}

export function runEstimate(
  catalog: ProfileCatalog,
  request: EstimateRequest,
  inputs: EstimateInputs = toEstimateInputs(catalog, request),
): EstimateResponse {
  const { graph, cluster, training, strategy } = inputs;
  const cost = estimate(graph, cluster, strategy, training, estimatePipelineOptions(strategy));
  if (!cost.fits) throw outOfMemory(cost, cluster.device.id);
  return {
    estimate: estimateToApi(cost, training.framework, catalog.accuracy),
    strategy: strategyToApi(strategy),
    layout: layoutToApi(stagePlacements(strategy, graph.spec.numLayers)),
  };
}
