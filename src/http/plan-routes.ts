/**
 * Plan routes (issue #3, #4, #7): POST /v1/plans (transformers, heterogeneous clusters and
 * operator graphs, with a content-hash id and inline exports), GET /v1/plans/{id}, its exports
 * and its schedule, and POST /v1/schedules. Routes parse and answer; the planner service does the
 * rest. No try/catch: errors reach the final middleware (STYLE.md §13).
 */
import type { Response, Router } from 'express';
import { z } from 'zod';
import {
  ExportFormat,
  PlanRequest,
  ScheduleFormat,
  ScheduleRequest,
  LIMITS,
} from '../contract/index.js';
import type { Request, RequestHandler } from 'express';
import type { Planner, RenderedBytes, StoredPlanOutcome } from '../service/index.js';
import { jsonBody } from './middleware.js';

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
const Limit = z
  .string()
  .regex(/^\d+$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.int().min(1).max(LIMITS.rankMapRanks))
  .exactOptional();
const ExportQuery = z
  .object({ format: ExportFormat, alternative: Index, offset: Index, limit: Limit })
  .refine((q) => q.format === 'rankmap' || (q.offset === undefined && q.limit === undefined), {
    message: 'offset and limit page the rank map: use them with format=rankmap',
    path: ['offset'],
  });
const ScheduleQuery = z.object({ format: ScheduleFormat.default('json'), alternative: Index });

/** ?exports=a,b joins search.exports. */
function withQueryExports(request: PlanRequest, query: unknown): PlanRequest {
  const { exports } = ExportsQuery.parse(query);
  if (exports === undefined || exports.length === 0) return request;
  const search = request.search ?? {};
  return { ...request, search: { ...search, exports: [...(search.exports ?? []), ...exports] } };
}

/** A stored answer as is: its id is its ETag (express would otherwise hash the whole body). */
function sendStored(res: Response, id: string, stored: StoredPlanOutcome): void {
  const body = stored.responseJson;
  res
    .set('ETag', `"${id}"`)
    .type('application/json')
    .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** A render's bytes as they came from the worker. */
function send(res: Response, rendered: RenderedBytes): void {
  const { body } = rendered;
  res.type(rendered.contentType).send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** Aborted when the client goes away before its answer: a queued job leaves the queue. */
export function abandoned(req: Request): AbortSignal {
  const controller = new AbortController();
  const res = req.res;
  // The response closes before it finished only when the connection went away.
  res?.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Plan routes. `admit` runs before a search is parsed (per-client concurrency): a client may hold
 * only so many searches at once.
 */
export function addPlanRoutes(
  router: Router,
  planner: Planner,
  admit: RequestHandler[] = [],
): void {
  router.post('/v1/plans', ...admit, ...jsonBody(LIMITS.planBodyBytes), async (req, res) => {
    const request = withQueryExports(PlanRequest.parse(req.body), req.query);
    const { id, stored } = await planner.plan(request, abandoned(req));
    sendStored(res, id, stored);
  });

  router.get('/v1/plans/:id', (req, res) => {
    sendStored(res, req.params.id, planner.cached(req.params.id));
  });

  router.get('/v1/plans/:id/export', async (req, res) => {
    const { format, alternative, offset, limit } = ExportQuery.parse(req.query);
    const page = {
      ...(offset === undefined ? {} : { offset }),
      ...(limit === undefined ? {} : { limit }),
    };
    send(res, await planner.exportPlan(req.params.id, format, alternative, page, abandoned(req)));
  });

  router.get('/v1/plans/:id/schedule', async (req, res) => {
    const { format, alternative } = ScheduleQuery.parse(req.query);
    send(res, await planner.planSchedule(req.params.id, format, alternative, abandoned(req)));
  });

  router.post('/v1/schedules', ...jsonBody(), async (req, res) => {
    const { format } = ScheduleQuery.parse(req.query);
    send(res, await planner.schedule(ScheduleRequest.parse(req.body), format, abandoned(req)));
  });
}
