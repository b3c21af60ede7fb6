/**
 * Renders of cached plans and requested schedules, as bytes (issue #17): a launch export or a
 * simulated schedule of a big plan can be megabytes of JSON, so each is produced and serialised
 * wherever it runs — a render worker (plan-worker.ts) or, without a pool, the calling thread —
 * and the HTTP route sends the bytes without touching them.
 */
import { ApiError, LIMITS } from '../contract/index.js';
import type { ApiPlanExport } from '../contract/index.js';
import { rankMap } from '../export/index.js';
import type { ExportFormat, ScheduleFormat, ScheduleRequest } from '../contract/index.js';
import type { Plan } from '../plan/index.js';
import { exportToApi, planExport } from './map-export.js';
import type { PlanDomain } from './plan-cache.js';
import { readPlanDomain } from './plan-cache.js';
import type { RenderedSchedule } from './schedules.js';
import { renderSchedule, simulatePlanSchedule, simulateRequestedSchedule } from './schedules.js';

export const HETEROGENEOUS_PLAN_MESSAGE =
  'heterogeneous plan: stock launchers cannot express per-stage device types / per-replica micro-batch counts; see best.launcher';

/** A rendered answer: its media type and its body, already serialised. */
export interface RenderedBytes {
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** The cached transformer plan `alternative` points at (best when absent). */
export function cachedPlan(domain: PlanDomain, alternative: number | undefined) {
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

const EMPTY = new Uint8Array(0);

const json = (value: unknown): RenderedBytes => ({
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(value), 'utf8'),
});

function scheduleBytes(rendered: RenderedSchedule): RenderedBytes {
  return typeof rendered.body === 'string'
    ? { contentType: rendered.contentType, body: Buffer.from(rendered.body, 'utf8') }
    : { contentType: rendered.contentType, body: json(rendered.body).body };
}

/** A page of the rank map: `limit` ranks from global rank `offset` (format=rankmap only). */
export interface RankMapPage {
  readonly offset?: number;
  readonly limit?: number;
}

/**
 * The rank map from `offset`, at most LIMITS.rankMapRanks ranks (the export alone stops at the
 * first page); 400 naming offset when it is past the last rank.
 */
function rankMapPage(plan: Plan, page: RankMapPage): ApiPlanExport {
  const offset = page.offset ?? 0;
  if (offset >= plan.worldSize) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `offset=${offset} is past the last rank: the plan has ${plan.worldSize} ranks (0–${plan.worldSize - 1})`,
      { field: 'offset', details: { worldSize: plan.worldSize } },
    );
  }
  const map = rankMap(plan, {
    offset,
    limit: Math.min(page.limit ?? LIMITS.rankMapRanks, LIMITS.rankMapRanks),
  });
  return exportToApi({ format: 'rankmap', ...map, text: JSON.stringify(map, null, 2) + '\n' });
}

/** GET /v1/plans/{id}/export from the stored domain bytes (v8.serialize of a PlanDomain). */
export function renderPlanExport(
  domain: Uint8Array,
  format: ExportFormat,
  alternative: number | undefined,
  page: RankMapPage = {},
): RenderedBytes {
  const { plan, spec } = cachedPlan(readPlanDomain({ responseJson: EMPTY, domain }), alternative);
  if (format === 'rankmap') return json(rankMapPage(plan, page));
  return json(planExport(plan, spec, format));
}

/** GET /v1/plans/{id}/schedule from the stored domain bytes. */
export function renderPlanSchedule(
  domain: Uint8Array,
  format: ScheduleFormat,
  alternative: number | undefined,
): RenderedBytes {
  const { plan } = cachedPlan(readPlanDomain({ responseJson: EMPTY, domain }), alternative);
  return scheduleBytes(renderSchedule(simulatePlanSchedule(plan), format));
}

/** POST /v1/schedules. */
export function renderRequestedSchedule(
  request: ScheduleRequest,
  format: ScheduleFormat,
): RenderedBytes {
  return scheduleBytes(renderSchedule(simulateRequestedSchedule(request), format));
}
