/**
 * The library surface: `import { plan, estimate } from 'strata'`. Takes the same request objects
 * as the HTTP API, validates them with the same zod schemas and runs in-process (no worker, no
 * time limit: bound the search with search.maxCandidates). Failures are ApiErrors with the same
 * codes, fields and details as the HTTP problem documents.
 */
import type { ProfileCatalog } from './hardware-profiles/index.js';
import { loadProfileCatalog } from './hardware-profiles/index.js';
import { estimateFromInput, planFromInput, selectClusterFromInput } from './service/index.js';
import type {
  AnyPlanResponse,
  ClusterInput,
  ClusterSelectionRequest,
  ClusterSelectionResponse,
  EstimateRequest,
  EstimateResponse,
  GraphPlanRequest,
  GraphPlanResponse,
  PlanRequest,
  PlanResponse,
  TransformerPlanRequest,
} from './contract/index.js';

export interface LibOptions {
  /** A catalog loaded once by the caller; default: profiles/ loaded on each call. */
  readonly catalog?: ProfileCatalog;
}

const catalogOf = (options: LibOptions): ProfileCatalog => options.catalog ?? loadProfileCatalog();

/**
 * Search for the best plan (POST /v1/plans, in-process): a transformer answers a PlanResponse, an
 * operator graph (model.graph / model.onnx) a GraphPlanResponse.
 */
export function plan(
  request: TransformerPlanRequest & { readonly cluster: ClusterInput },
  options?: LibOptions,
): Promise<PlanResponse>;
export function plan(request: GraphPlanRequest, options?: LibOptions): Promise<GraphPlanResponse>;
export function plan(request: PlanRequest, options?: LibOptions): Promise<AnyPlanResponse>;
export async function plan(
  request: PlanRequest,
  options: LibOptions = {},
): Promise<AnyPlanResponse> {
  return planFromInput(catalogOf(options), request);
}

/** Estimate one strategy (POST /v1/estimates, in-process). */
export function estimate(request: EstimateRequest, options: LibOptions = {}): EstimateResponse {
  return estimateFromInput(catalogOf(options), request);
}

/**
 * Choose a sub-cluster of an inventory under a $/hour budget or step-time target
 * (POST /v1/cluster-selections, in-process).
 */
export function selectCluster(
  request: ClusterSelectionRequest,
  options: LibOptions = {},
): ClusterSelectionResponse {
  return selectClusterFromInput(catalogOf(options), request);
}

export { ApiError, STATUS_BY_CODE } from './contract/errors.js';
export type { ErrorCode, Issue } from './contract/errors.js';
export {
  PlanRequest,
  EstimateRequest,
  PlanResponse,
  EstimateResponse,
  AnyPlanResponse,
  GraphPlanResponse,
  HeteroPlanResponse,
  ClusterSelectionRequest,
  ClusterSelectionResponse,
  ScheduleRequest,
  ScheduleResponse,
  PlanExport as ApiPlanExportSchema,
} from './contract/schemas.js';
export type { GraphPlanRequest, TransformerPlanRequest } from './contract/schemas.js';
export type {
  ApiEstimate,
  ApiGraphPlan,
  ApiHeteroPlan,
  ApiFrontierPoint,
  ApiPlan,
  ApiPlanExport,
  ApiStrategy,
  ProblemBody,
} from './contract/response-schemas.js';
export { createStrataClient } from './client.js';
export type { StrataClient } from './client.js';
export type { components, paths } from './contract/generated/openapi.js';
export { createApp } from './http/app.js';
export type { AppDeps } from './http/app.js';
export { createPlanPool } from './service/index.js';
export type { PlanPool, PlanPoolOptions } from './service/index.js';

// The domain: the planner and the cost model without the API layer.
export { loadProfileCatalog, clusterFromPreset, customCluster } from './hardware-profiles/index.js';
export type { ClusterProfile, DeviceProfile, ProfileCatalog } from './hardware-profiles/index.js';
export { buildModelGraph, transformerFromHuggingFaceConfig } from './graph/index.js';
export type { ModelGraph } from './graph/index.js';
export type { TransformerSpec } from './model-spec/index.js';
export { planTraining, planHeterogeneous, selectClusterUnderBudget } from './search/index.js';
export type { HeteroPlan, HeteroStage, HeteroReplica } from './plan/index.js';
export type {
  HeteroProblem,
  HeteroResult,
  BudgetProblem,
  BudgetResult,
  Inventory,
  ParetoPoint,
  PriceTable,
} from './search/index.js';
// Heterogeneous clusters: node groups joined by an inter-group network (issue #5).
export { heteroClusterFromSpec, heteroWorldSize } from './hardware-profiles/index.js';
export type {
  HeterogeneousCluster,
  HeteroClusterSpec,
  HeteroGroupSpec,
  InterGroupSpec,
} from './hardware-profiles/index.js';
export type { Objective, PlanResult, PlanningProblem, SearchConstraints } from './search/index.js';
export { estimate as estimateCost, PlanningError } from './costmodel/index.js';
export type { CostBreakdown, Strategy, TrainingConfig } from './costmodel/index.js';
export type { Plan, StagePlacement } from './plan/index.js';
export type { PlanSchedule } from './plan/index.js';

// Launch configurations from a Plan (Megatron-LM, DeepSpeed, torchtitan, torchrun, rank maps).
export { exportPlan, ExportError } from './export/index.js';
export type { ExportFormat, ExportErrorReason, PlanExport } from './export/index.js';
// Pipeline schedules: generate, simulate, render.
export {
  generateSchedule,
  simulateSchedule,
  scheduleToCsv,
  scheduleToChromeTrace,
  scheduleToSvg,
  actionToCsvCell,
  actionToString,
  ScheduleInputError,
  ScheduleValidationError,
} from './schedule/index.js';
export type {
  PipelineSchedule,
  ScheduleKind,
  ScheduleRequest as PipelineScheduleRequest,
  SimulationResult,
  StageCosts,
} from './schedule/index.js';
// Operator graphs (JSON or ONNX) and the Alpa-style intra-op planner.
export {
  parseOperatorGraph,
  GraphInputError,
  MAX_GRAPH_NODES,
} from './graph/operator-graph/index.js';
export type { OperatorGraph, OperatorGraphJson } from './graph/operator-graph/index.js';
export { importOnnx, OnnxImportError } from './graph/onnx/index.js';
export type { OnnxImportOptions } from './graph/onnx/index.js';
export { planOperatorGraph, GraphPlanningError } from './search/intra-op/index.js';
export type { OperatorGraphPlan, PlanGraphOptions } from './search/intra-op/index.js';
// What-if studies (the same runtime the server uses).
export {
  openStudyRuntime,
  studyRuntimeOptionsFromEnv,
  createStudyService,
} from './service/index.js';
export type { StudyRuntime, StudyRuntimeOptions, StudyService } from './service/index.js';
export type { StudySpec } from './contract/index.js';
