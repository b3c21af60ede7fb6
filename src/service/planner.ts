/**
 * The planning service behind the HTTP routes: one object per app that owns the plan cache and
 * the worker pool. Routes parse the request and call it; it prepares each request once, runs it
 * in a worker (or inline without a pool), keeps the serialised answer by its content-hash id, and
 * produces exports and schedules of cached plans. No HTTP here.
 */
import { ApiError } from '../contract/index.js';
import type {
  ApiPlanExport,
  ClusterSelectionRequest,
  ClusterSelectionResponse,
  EstimateRequest,
  EstimateResponse,
  ExportFormat,
  OnnxModelUpload,
  PlanRequest,
  ScheduleFormat,
  ScheduleRequest,
} from '../contract/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import type { Plan } from '../plan/index.js';
import { prepareClusterSelection, solveClusterSelection } from './cluster-selection.js';
import { planExport } from './map-export.js';
import type { OnnxModelCache } from './onnx-models.js';
import {
  ONNX_READ_TIME_LIMIT_MILLISECONDS,
  createOnnxModelCache,
  uploadOnnxModel,
} from './onnx-models.js';
import type { PlanCache, PlanDomain, StoredPlanOutcome } from './plan-cache.js';
import { readPlanDomain, storePlanOutcome } from './plan-cache.js';
import { preparePlan } from './plan-problem.js';
import { runEstimate, solvePlan } from './plan-service.js';
import type { RenderedSchedule } from './schedules.js';
import { renderSchedule, simulatePlanSchedule, simulateRequestedSchedule } from './schedules.js';
import type { PlanPool } from './worker-pool.js';

export const HETEROGENEOUS_PLAN_MESSAGE =
  'heterogeneous plan: stock launchers cannot express per-stage device types / per-replica micro-batch counts; see best.launcher';

export interface PlannerDeps {
  readonly catalog: ProfileCatalog;
  /** Without a pool, plans run inline on the calling thread (no time limit; tests, tools). */
  readonly pool: PlanPool | undefined;
  readonly cache: PlanCache;
  /** Uploaded ONNX models for model.graphId; default a fresh bounded cache per planner. */
  readonly onnxModels?: OnnxModelCache;
}

export interface Planner {
  /** The answer to POST /v1/plans, serialised, and its id (from the cache when known). */
  plan(request: PlanRequest): Promise<{ readonly id: string; readonly stored: StoredPlanOutcome }>;
  /** A cached answer, or 404 naming the id. */
  cached(id: string): StoredPlanOutcome;
  exportPlan(id: string, format: ExportFormat, alternative: number | undefined): ApiPlanExport;
  planSchedule(
    id: string,
    format: ScheduleFormat,
    alternative: number | undefined,
  ): RenderedSchedule;
  schedule(request: ScheduleRequest, format: ScheduleFormat): RenderedSchedule;
  estimate(request: EstimateRequest): EstimateResponse;
  selectCluster(request: ClusterSelectionRequest): Promise<ClusterSelectionResponse>;
  /** POST /v1/models/onnx: read the file (in a worker when there is a pool) and keep it. */
  uploadOnnx(bytes: Uint8Array): Promise<OnnxModelUpload>;
}

/** The cached transformer plan `alternative` points at (best when absent). */
function cachedPlan(domain: PlanDomain, alternative: number | undefined) {
  if (domain.kind === 'operator-graph') {
    throw new ApiError(
      'INFEASIBLE',
      'operator-graph plans have no framework exports or pipeline schedules',
      { field: 'id', details: { reason: 'operator-graph-plan' } },
    );
  }
  const plan = domain.plans[alternative === undefined ? 0 : alternative + 1];
  if (plan === undefined) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `alternative=${alternative} is out of range: the plan has ${domain.plans.length - 1} alternatives`,
      { field: 'alternative' },
    );
  }
  if (plan === null) {
    throw new ApiError('INFEASIBLE', HETEROGENEOUS_PLAN_MESSAGE, {
      field: alternative === undefined ? 'id' : 'alternative',
      details: { reason: 'heterogeneous-plan' },
    });
  }
  return { plan: plan satisfies Plan, spec: domain.spec };
}

export function createPlanner({ catalog, pool, cache, ...deps }: PlannerDeps): Planner {
  const onnxModels = deps.onnxModels ?? createOnnxModelCache();
  return {
    async plan(request) {
      const problem = preparePlan(catalog, request, onnxModels);
      const known = cache.get(problem.id);
      if (known !== undefined) return { id: problem.id, stored: known };
      const stored =
        pool === undefined
          ? storePlanOutcome(await solvePlan(problem))
          : await pool.run(problem, problem.timeLimitMilliseconds);
      cache.set(problem.id, stored);
      return { id: problem.id, stored };
    },
    cached: (id) => cache.require(id),
    exportPlan(id, format, alternative) {
      const { plan, spec } = cachedPlan(readPlanDomain(cache.require(id)), alternative);
      return planExport(plan, spec, format);
    },
    planSchedule(id, format, alternative) {
      const { plan } = cachedPlan(readPlanDomain(cache.require(id)), alternative);
      return renderSchedule(simulatePlanSchedule(plan), format);
    },
    schedule: (request, format) => renderSchedule(simulateRequestedSchedule(request), format),
    estimate: (request) => runEstimate(catalog, request),
    async selectCluster(request) {
      const problem = prepareClusterSelection(catalog, request);
      return pool === undefined
        ? solveClusterSelection(problem)
        : pool.select(problem, problem.timeLimitMilliseconds);
    },
    uploadOnnx: (bytes) =>
      uploadOnnxModel(bytes, {
        cache: onnxModels,
        ...(pool === undefined
          ? {}
          : { read: (b) => pool.readOnnx(b, ONNX_READ_TIME_LIMIT_MILLISECONDS) }),
      }),
  };
}
