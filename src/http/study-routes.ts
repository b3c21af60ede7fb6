/**
 * /v1/studies: asynchronous what-if studies (issue #6). Mount with
 * `app.use(createStudiesRouter({ studies: runtime.service }))` before the 404 handler; errors go
 * to the app's error middleware as ApiError (application/problem+json). No try/catch in handlers
 * except where a thrown error must be translated (Express 5 forwards rejected promises).
 *
 * Issue #17: a study id is a SHA-256 hex content hash, so anything else is a 404 before the
 * store sees it (ids became Redis key names); POST is rate-limited per client; event streams are
 * capped per client and in all and share one feed per study (study-feed.ts); big answers are
 * written in slices (stream-json.ts).
 */
import { Router } from 'express';
import type { Request } from 'express';
import type { StudyService } from '../service/index.js';
import {
  analyseStudy,
  analysisToApi,
  paretoSvg,
  resultsToCsv,
  scalingSvg,
  resultToApi,
  studyErrorToApi,
} from '../service/index.js';
import { ApiError, clipString } from '../contract/index.js';
import type { AdmissionLimits } from './admission.js';
import { DEFAULT_ADMISSION_LIMITS, concurrencyLimit, rateLimit } from './admission.js';
import type { Metrics } from './metrics.js';
import { createMetrics } from './metrics.js';
import { jsonBody } from './middleware.js';
import { sendStreamedJson } from './stream-json.js';
import type { StudyFeeds } from './study-feed.js';
import { createStudyFeeds } from './study-feed.js';

export interface StudiesRouterDeps {
  readonly studies: StudyService;
  readonly metrics?: Metrics;
  readonly limits?: AdmissionLimits;
  /** Event feeds; default a fresh set (the app passes its own so shutdown can end them). */
  readonly feeds?: StudyFeeds;
}

/** The form of every study id (contentHash: SHA-256 hex). */
const STUDY_ID = /^[0-9a-f]{64}$/;

const notFound = (id: string): ApiError =>
  new ApiError('NOT_FOUND', `no study with id '${clipString(id, 80)}'`, { field: 'id' });

/** The path's id, or 404 when it cannot be a study id. */
function idOf(req: Request): string {
  const id = String(req.params['id']);
  if (!STUDY_ID.test(id)) throw notFound(id);
  return id;
}

export function createStudiesRouter(deps: StudiesRouterDeps): Router {
  const { studies } = deps;
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  const limits = deps.limits ?? DEFAULT_ADMISSION_LIMITS;
  const feeds = deps.feeds ?? createStudyFeeds(studies);
  const streams = concurrencyLimit(
    limits.eventStreamsPerClient,
    limits.eventStreamsTotal,
    'event streams',
    metrics,
  );
  const router = Router();
  const snapshot = async (req: Request) => {
    const id = idOf(req);
    const found = await studies.get(id);
    if (found === null) throw notFound(id);
    return found;
  };

  const submitRate = rateLimit(
    limits.studyBurst,
    limits.studiesPerMinute,
    'study submissions',
    metrics,
  );
  router.post('/v1/studies', submitRate, ...jsonBody(), async (req, res) => {
    const summary = await studies.submit(req.body).catch((error: unknown) => {
      throw studyErrorToApi(error);
    });
    res.status(202).location(`/v1/studies/${summary.id}`).json(summary);
  });

  router.get('/v1/studies/:id', async (req, res) => {
    const found = await snapshot(req);
    const head = {
      id: found.id,
      status: found.status,
      progress: found.progress,
      createdAt: found.createdAt,
      error: found.error,
      analysis: analysisToApi(analyseStudy(found.results)),
    };
    await sendStreamedJson(res, head, 'results', found.results, (r) =>
      resultToApi(r, studies.accuracy),
    );
  });

  router.delete('/v1/studies/:id', async (req, res) => {
    const id = idOf(req);
    const summary = await studies.cancel(id);
    if (summary === null) throw notFound(id);
    res.json(summary);
  });

  router.get('/v1/studies/:id/results', async (req, res) => {
    const format = req.query['format'] ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new ApiError(
        'VALIDATION_FAILED',
        `format must be json or csv, got '${clipString(JSON.stringify(format), 80)}'`,
        { field: 'format' },
      );
    }
    const found = await snapshot(req);
    if (format === 'csv') {
      res
        .type('text/csv')
        .attachment(`study-${found.id.slice(0, 12)}.csv`)
        .send(resultsToCsv(found.results));
      return;
    }
    const head = { id: found.id, status: found.status, progress: found.progress };
    await sendStreamedJson(res, head, 'results', found.results, (r) =>
      resultToApi(r, studies.accuracy),
    );
  });

  router.get('/v1/studies/:id/charts/:chart', async (req, res) => {
    const chart = req.params['chart'];
    if (chart !== 'pareto.svg' && chart !== 'scaling.svg') {
      throw new ApiError(
        'NOT_FOUND',
        `no chart '${clipString(String(chart), 80)}'; try pareto.svg or scaling.svg`,
      );
    }
    const found = await snapshot(req);
    res
      .type('image/svg+xml')
      .send(chart === 'pareto.svg' ? paretoSvg(found.results) : scalingSvg(found.results));
  });

  router.get('/v1/studies/:id/events', async (req, res) => {
    const id = idOf(req);
    const release = streams.acquire(req);
    res.once('close', () => {
      release();
      metrics.setEventStreams(streams.total);
    });
    metrics.setEventStreams(streams.total);
    if (!(await feeds.attach(id, res))) throw notFound(id);
  });

  return router;
}
