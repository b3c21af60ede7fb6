/**
 * service: the one layer the HTTP routes, the CLI and the library call. It maps API requests to
 * the domain once, runs plans and selections (in worker threads when a pool is given), keeps the
 * byte-bounded plan cache, turns every thrown error into an ApiError, and hosts the study
 * infrastructure (service/studies). Nothing here knows HTTP.
 */
export type { Planner, PlannerDeps } from './planner.js';
export type { RankMapPage } from './plan-renders.js';
export { HETEROGENEOUS_PLAN_MESSAGE, createPlanner } from './planner.js';
export type { PlanCache, PlanCacheOptions, PlanOutcome, StoredPlanOutcome } from './plan-cache.js';
export { createPlanCache, planId } from './plan-cache.js';
export type { PlanPool, PlanPoolOptions, PlanPoolStats, RenderJob } from './worker-pool.js';
export type { OnnxModelCache, OnnxModelCacheOptions, StoredOnnxModel } from './onnx-models.js';
export { createOnnxModelCache, onnxGraphId, uploadOnnxModel } from './onnx-models.js';
export type { RenderedBytes } from './plan-renders.js';
export { createPlanPool } from './worker-pool.js';
export { runEstimate, runPlan } from './plan-service.js';
export { runClusterSelection } from './cluster-selection.js';
export type { RenderedSchedule } from './schedules.js';
export { renderSchedule, simulateRequestedSchedule } from './schedules.js';
export { acceleratorList, clusterPresetList, modelDetail, modelList } from './catalog-views.js';
export { toApiError } from './normalise-error.js';
export { analysisToApi, resultToApi, snapshotToApi, studyErrorToApi } from './study-views.js';
export * from './studies/index.js';
export { estimateFromInput, planFromInput, selectClusterFromInput } from './from-input.js';
export type { OffThreadOptions, OffThreadPlan, OffThreadRunner } from './off-thread.js';
export { createOffThreadRunner } from './off-thread.js';
// The study domain's renderers and analysis, for the routes and the CLI.
export { analyseStudy, isFeasible, paretoSvg, resultsToCsv, scalingSvg } from '../studies/index.js';
export type { ModelAnalysis, ScenarioResult, StudyAnalysis } from '../studies/index.js';
