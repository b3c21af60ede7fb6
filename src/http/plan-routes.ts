/**
 * Plan routes (issue #3, #4, #7): POST /v1/plans (transformers and operator graphs, with a
 * content-hash id and inline exports), GET /v1/plans/{id}, its exports and its schedule, and
 * POST /v1/schedules. No try/catch: errors reach the final middleware (STYLE.md §13).
 */
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import type { Plan } from '../plan/index.js';
import { ApiError } from '../contract/errors.js';
import { graphTimeLimitMilliseconds, toGraphPlanningInputs } from '../service/graph-plans.js';
import {
  isHeteroPlanRequest,
  normalisePlanCluster,
  toHeteroProblem,
} from '../service/hetero-plans.js';
import { LIMITS } from '../contract/limits.js';
import { planExport } from '../service/map-export.js';
import { planTimeLimitMilliseconds, toPlanningProblem } from '../service/map-request.js';
import { jsonBody } from './middleware.js';
import type { PlanCache, PlanDomain, StoredPlanOutcome } from '../service/plan-cache.js';
import { planId, readPlanDomain, storePlanOutcome } from '../service/plan-cache.js';
import {
  renderSchedule,
  simulatePlanSchedule,
  simulateRequestedSchedule,
} from '../service/schedules.js';
import type { RenderedSchedule } from '../service/schedules.js';
import {
  ExportFormat,
  PlanRequest,
  ScheduleFormat,
  ScheduleRequest,
  isGraphPlanRequest,
  isTransformerPlanRequest,
} from '../contract/schemas.js';
import { runPlan } from '../service/plan-service.js';
import type { PlanPool } from '../service/worker-pool.js';

export interface PlanRouteDeps {
  readonly catalog: ProfileCatalog;
  readonly pool: PlanPool | undefined;
  readonly cache: PlanCache;
}

const Index = z
  .string()
  .regex(/^\d+$/, 'must be a non-negative integer')
  .transform(Number)
  .exactOptional();
const ExportsQuery = z.object({
  exports: z
    .string()
    .transform((s) => s.split(',').filter((f) => f !== ''))
    .pipe(z.array(ExportFormat).max(5))
    .exactOptional(),
});
const ExportQuery = z.object({ format: ExportFormat, alternative: Index });
const ScheduleQuery = z.object({ format: ScheduleFormat.default('json'), alternative: Index });

/** ?exports=a,b joins search.exports. */
function withQueryExports(request: PlanRequest, query: unknown): PlanRequest {
  const { exports } = ExportsQuery.parse(query);
  if (exports === undefined || exports.length === 0) return request;
  const search = request.search ?? {};
  return { ...request, search: { ...search, exports: [...(search.exports ?? []), ...exports] } };
}

/** Validate model, cluster and limits on this thread, so bad input never reaches a worker. */
function validatePlanRequest(catalog: ProfileCatalog, request: PlanRequest): number {
  if (isGraphPlanRequest(request)) {
    toGraphPlanningInputs(catalog, request);
    return graphTimeLimitMilliseconds(request);
  }
  if (isHeteroPlanRequest(request)) toHeteroProblem(catalog, request);
  else if (isTransformerPlanRequest(request)) toPlanningProblem(catalog, request);
  return planTimeLimitMilliseconds(request);
}

export const HETEROGENEOUS_PLAN_MESSAGE =
  'heterogeneous plan: stock launchers cannot express per-stage device types / per-replica micro-batch counts; see best.launcher';

/** The cached transformer plan `alternative` points at (best when absent). */
function cachedPlan(outcome: PlanDomain, alternative: number | undefined): Plan {
  if (outcome.spec === null) {
    throw new ApiError(
      'INFEASIBLE',
      'operator-graph plans have no framework exports or pipeline schedules',
      { field: 'id', details: { reason: 'operator-graph-plan' } },
    );
  }
  const plan = outcome.plans[alternative === undefined ? 0 : alternative + 1];
  if (plan === undefined) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `alternative=${alternative} is out of range: the plan has ${outcome.plans.length - 1} alternatives`,
      { field: 'alternative' },
    );
  }
  if (plan === null) {
    throw new ApiError('INFEASIBLE', HETEROGENEOUS_PLAN_MESSAGE, {
      field: alternative === undefined ? 'id' : 'alternative',
      details: { reason: 'heterogeneous-plan' },
    });
  }
  return plan;
}

/** A stored answer as is: its id is its ETag (express would otherwise hash the whole body). */
function sendStored(res: Response, id: string, stored: StoredPlanOutcome): void {
  res
    .set('ETag', `"${id}"`)
    .type('application/json')
    .send(
      Buffer.from(
        stored.responseJson.buffer,
        stored.responseJson.byteOffset,
        stored.responseJson.byteLength,
      ),
    );
}

function send(res: Response, rendered: RenderedSchedule): void {
  if (typeof rendered.body === 'string') res.type(rendered.contentType).send(rendered.body);
  else res.type(rendered.contentType).json(rendered.body);
}

export function addPlanRoutes(router: Router, { catalog, pool, cache }: PlanRouteDeps): void {
  router.post('/v1/plans', ...jsonBody(LIMITS.planBodyBytes), async (req, res) => {
    const parsed = withQueryExports(PlanRequest.parse(req.body), req.query);
    const request = normalisePlanCluster(catalog, parsed);
    const id = planId(request);
    const cached = cache.get(id);
    if (cached !== undefined) {
      sendStored(res, id, cached);
      return;
    }
    const timeLimitMilliseconds = validatePlanRequest(catalog, request);
    const outcome =
      pool === undefined
        ? storePlanOutcome(await runPlan(catalog, request))
        : await pool.run(request, timeLimitMilliseconds);
    cache.set(id, outcome);
    sendStored(res, id, outcome);
  });

  router.get('/v1/plans/:id', (req, res) => {
    sendStored(res, req.params.id, cache.require(req.params.id));
  });

  router.get('/v1/plans/:id/export', (req, res) => {
    const { format, alternative } = ExportQuery.parse(req.query);
    const outcome = readPlanDomain(cache.require(req.params.id));
    const plan = cachedPlan(outcome, alternative);
    // cachedPlan has checked that the outcome is a transformer plan with its spec.
    if (outcome.spec === null) return;
    res.json(planExport(plan, outcome.spec, format));
  });

  router.get('/v1/plans/:id/schedule', (req, res) => {
    const { format, alternative } = ScheduleQuery.parse(req.query);
    const outcome = readPlanDomain(cache.require(req.params.id));
    send(res, renderSchedule(simulatePlanSchedule(cachedPlan(outcome, alternative)), format));
  });

  router.post('/v1/schedules', ...jsonBody(), (req, res) => {
    const { format } = ScheduleQuery.parse(req.query);
    const request = ScheduleRequest.parse(req.body);
    send(res, renderSchedule(simulateRequestedSchedule(request), format));
  });
}
