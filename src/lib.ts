/**
 * The library surface: `import { plan, estimate } from 'strata'`. Takes the same request objects
 * as the HTTP API, validates them with the same zod schemas and runs in-process (no worker, no
 * time limit: bound the search with search.maxCandidates). Failures are ApiErrors with the same
 * codes, fields and details as the HTTP problem documents.
 */
import type { ProfileCatalog } from './hardware-profiles/index.js';
import { loadProfileCatalog } from './hardware-profiles/index.js';
import { toApiError } from './api/normalise-error.js';
import { EstimateRequest, PlanRequest } from './api/schemas.js';
import type { EstimateResponse, PlanResponse } from './api/response-schemas.js';
import { runEstimate, runPlan } from './api/services.js';

export interface LibOptions {
  /** A catalog loaded once by the caller; default: profiles/ loaded on each call. */
  readonly catalog?: ProfileCatalog;
}

function call<T>(run: (catalog: ProfileCatalog) => T, options: LibOptions): T {
  try {
    return run(options.catalog ?? loadProfileCatalog());
  } catch (error) {
    throw toApiError(error);
  }
}

/** Search for the best plan (POST /v1/plans, in-process). */
export function plan(request: PlanRequest, options: LibOptions = {}): Promise<PlanResponse> {
  return new Promise((resolve) => {
    resolve(call((catalog) => runPlan(catalog, PlanRequest.parse(request)), options));
  });
}

/** Estimate one strategy (POST /v1/estimates, in-process). */
export function estimate(request: EstimateRequest, options: LibOptions = {}): EstimateResponse {
  return call((catalog) => runEstimate(catalog, EstimateRequest.parse(request)), options);
}

export { ApiError, STATUS_BY_CODE } from './api/errors.js';
export type { ErrorCode, Issue } from './api/errors.js';
export { PlanRequest, EstimateRequest, PlanResponse, EstimateResponse } from './api/schemas.js';
export type { ApiEstimate, ApiPlan, ApiStrategy, ProblemBody } from './api/response-schemas.js';
export type { components, paths } from './api/generated/openapi.js';
export { createApp } from './app.js';
export type { AppDeps } from './app.js';
export { createPlanPool } from './api/worker-pool.js';
export type { PlanPool, PlanPoolOptions } from './api/worker-pool.js';

// The domain: the planner and the cost model without the API layer.
export { loadProfileCatalog, clusterFromPreset, customCluster } from './hardware-profiles/index.js';
export type { ClusterProfile, DeviceProfile, ProfileCatalog } from './hardware-profiles/index.js';
export { buildModelGraph, transformerFromHuggingFaceConfig } from './graph/index.js';
export type { ModelGraph, TransformerSpec } from './graph/index.js';
export { planTraining } from './search/index.js';
export type { Objective, PlanResult, PlanningProblem, SearchConstraints } from './search/index.js';
export { estimate as estimateCost, PlanningError } from './costmodel/index.js';
export type { CostBreakdown, Strategy, TrainingConfig } from './costmodel/index.js';
export type { Plan, StagePlacement } from './plan/index.js';
