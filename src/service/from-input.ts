/**
 * The operations for in-process callers (the library, the CLI): unknown input validated with the
 * same zod schemas as the HTTP routes, run in the calling thread, every failure an ApiError with
 * the same codes, fields and details as the HTTP problem documents.
 */
import type {
  AnyPlanResponse,
  ClusterSelectionResponse,
  EstimateResponse,
} from '../contract/index.js';
import { ClusterSelectionRequest, EstimateRequest, PlanRequest } from '../contract/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { runClusterSelection } from './cluster-selection.js';
import { toApiError } from './normalise-error.js';
import { runEstimate, runPlan } from './plan-service.js';

export async function planFromInput(
  catalog: ProfileCatalog,
  input: unknown,
): Promise<AnyPlanResponse> {
  try {
    return (await runPlan(catalog, PlanRequest.parse(input))).response;
  } catch (error) {
    throw toApiError(error);
  }
}

function run<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw toApiError(error);
  }
}

export function estimateFromInput(catalog: ProfileCatalog, input: unknown): EstimateResponse {
  return run(() => runEstimate(catalog, EstimateRequest.parse(input)));
}

export function selectClusterFromInput(
  catalog: ProfileCatalog,
  input: unknown,
): ClusterSelectionResponse {
  return run(() => runClusterSelection(catalog, ClusterSelectionRequest.parse(input)));
}
