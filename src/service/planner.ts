/**
 * The planning service behind the HTTP routes: one object per app that owns the plan cache and
 * the worker pool. Routes parse the request and call it; it prepares each request once, runs it
 * in a worker (or inline without a pool), keeps the serialised answer by its content-hash id, and
 * produces exports and schedules of cached plans. No HTTP here.
 */
import type {
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
import { prepareClusterSelection, solveClusterSelection } from './cluster-selection.js';
import type { OnnxModelCache } from './onnx-models.js';
import {
  ONNX_READ_TIME_LIMIT_MILLISECONDS,
  createOnnxModelCache,
  uploadOnnxModel,
} from './onnx-models.js';
import type { PlanCache, StoredPlanOutcome } from './plan-cache.js';
import { storePlanOutcome } from './plan-cache.js';
import { preparePlan } from './plan-problem.js';
import type { RankMapPage, RenderedBytes } from './plan-renders.js';
import { renderPlanExport, renderPlanSchedule, renderRequestedSchedule } from './plan-renders.js';
import { solvePlan } from './plan-service.js';
import { createEstimator } from './estimator.js';
import type { PlanPool, RenderJob } from './worker-pool.js';

export { HETEROGENEOUS_PLAN_MESSAGE } from './plan-renders.js';

export interface PlannerDeps {
  readonly catalog: ProfileCatalog;
  /** Without a pool, plans and renders run inline on the calling thread (no time limit; tests, tools). */
  readonly pool: PlanPool | undefined;
  readonly cache: PlanCache;
  /** Uploaded ONNX models for model.graphId; default a fresh bounded cache per planner. */
  readonly onnxModels?: OnnxModelCache;
}

export interface Planner {
  /**
   * The answer to POST /v1/plans, serialised, and its id (from the cache when known). `signal`
   * aborts while the search still waits for a worker (the client went away).
   */
  plan(
    request: PlanRequest,
    signal?: AbortSignal,
  ): Promise<{ readonly id: string; readonly stored: StoredPlanOutcome }>;
  /** A cached answer, or 404 naming the id. */
  cached(id: string): StoredPlanOutcome;
  exportPlan(
    id: string,
    format: ExportFormat,
    alternative: number | undefined,
    page?: RankMapPage,
    signal?: AbortSignal,
  ): Promise<RenderedBytes>;
  planSchedule(
    id: string,
    format: ScheduleFormat,
    alternative: number | undefined,
    signal?: AbortSignal,
  ): Promise<RenderedBytes>;
  schedule(
    request: ScheduleRequest,
    format: ScheduleFormat,
    signal?: AbortSignal,
  ): Promise<RenderedBytes>;
  estimate(request: EstimateRequest): EstimateResponse;
  selectCluster(
    request: ClusterSelectionRequest,
    signal?: AbortSignal,
  ): Promise<ClusterSelectionResponse>;
  /** POST /v1/models/onnx: hash and read the file (in a worker when there is a pool), keep it. */
  uploadOnnx(bytes: Uint8Array, signal?: AbortSignal): Promise<OnnxModelUpload>;
}

/** A render in the pool's render worker, or inline without a pool. */
function renderer(pool: PlanPool | undefined) {
  return async (job: RenderJob, signal: AbortSignal | undefined): Promise<RenderedBytes> => {
    if (pool !== undefined) return pool.render(job, signal);
    switch (job.kind) {
      case 'plan-export':
        return renderPlanExport(job.domain, job.format, job.alternative, job.page);
      case 'plan-schedule':
        return renderPlanSchedule(job.domain, job.format, job.alternative);
      case 'schedule':
        return renderRequestedSchedule(job.request, job.format);
    }
  };
}

export function createPlanner({ catalog, pool, cache, ...deps }: PlannerDeps): Planner {
  const onnxModels = deps.onnxModels ?? createOnnxModelCache();
  const render = renderer(pool);
  const estimator = createEstimator(catalog);
  return {
    async plan(request, signal) {
      const problem = preparePlan(catalog, request, onnxModels);
      const known = cache.get(problem.id);
      if (known !== undefined) return { id: problem.id, stored: known };
      const stored =
        pool === undefined
          ? storePlanOutcome(await solvePlan(problem))
          : await pool.run(problem, problem.timeLimitMilliseconds, signal);
      cache.set(problem.id, stored);
      return { id: problem.id, stored };
    },
    cached: (id) => cache.require(id),
    exportPlan(id, format, alternative, page, signal) {
      const { domain } = cache.require(id);
      const job = { kind: 'plan-export', domain, format, alternative } as const;
      return render(page === undefined ? job : { ...job, page }, signal);
    },
    planSchedule(id, format, alternative, signal) {
      const { domain } = cache.require(id);
      return render({ kind: 'plan-schedule', domain, format, alternative }, signal);
    },
    schedule: (request, format, signal) => render({ kind: 'schedule', request, format }, signal),
    estimate: (request) => estimator.estimate(request),
    async selectCluster(request, signal) {
      const problem = prepareClusterSelection(catalog, request);
      return pool === undefined
        ? solveClusterSelection(problem)
        : pool.select(problem, problem.timeLimitMilliseconds, signal);
    },
    uploadOnnx: (bytes, signal) =>
      uploadOnnxModel(bytes, {
        cache: onnxModels,
        ...(pool === undefined
          ? {}
          : { read: (b) => pool.readOnnx(b, ONNX_READ_TIME_LIMIT_MILLISECONDS, signal) }),
      }),
  };
}
