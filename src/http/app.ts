/**
 * createApp(deps): the express app (routes + error middleware), without listen.
 *
 * Middleware order (issue #17): the request context (id, log line, latency histogram) first; then
 * the probes (/healthz, /readyz, /metrics), which nothing may delay; then the shutdown switch, the
 * optional API key, and the routes with their per-client quotas; 404; the error handler.
 */
import express from 'express';
import type { Express } from 'express';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import type { AdmissionLimits, Lifecycle } from './admission.js';
import {
  DEFAULT_ADMISSION_LIMITS,
  concurrencyLimit,
  createLifecycle,
  holdWhileOpen,
  refuseWhileDraining,
  requireApiKey,
} from './admission.js';
import { healthRoutes } from './health.js';
import type { Metrics } from './metrics.js';
import { createMetrics } from './metrics.js';
import type { ErrorLogger } from './middleware.js';
import { errorHandler, notFound, stderrLogger } from './middleware.js';
import { requestContext, requestLogger } from './request-context.js';
import { createPlanCache } from '../service/index.js';
import { apiRoutes } from './routes.js';
import type { PlanPool, StudyService } from '../service/index.js';
import type { FeedOptions, StudyFeeds } from './study-feed.js';
import { createStudyFeeds } from './study-feed.js';
import { createStudiesRouter } from './study-routes.js';

export interface AppDeps {
  readonly catalog: ProfileCatalog;
  /** Plan worker pool; without one, plans run on the request thread. */
  readonly pool?: PlanPool;
  /** Where unexpected (500) errors are logged with their stack; default stderr. */
  readonly log?: ErrorLogger;
  /** Structured request log (one line per request); default silent. */
  readonly logger?: Logger;
  /** Asynchronous what-if studies (/v1/studies); absent = not served. */
  readonly studies?: StudyService;
  /** Bytes of serialised plans kept for GET /v1/plans/{id}; default LIMITS.planCacheBytes. */
  readonly planCacheBytes?: number;
  /** When set, every method but GET/HEAD/OPTIONS needs `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string | undefined;
  /** Per-client quotas; default DEFAULT_ADMISSION_LIMITS. */
  readonly limits?: Partial<AdmissionLimits>;
  /** Event-stream options (slow-reader bound). */
  readonly feeds?: FeedOptions;
  /** The shutdown switch (index.ts flips it on SIGTERM); default a fresh one. */
  readonly lifecycle?: Lifecycle;
  /** Default a fresh registry with the pool's gauges. */
  readonly metrics?: Metrics;
}

/** What the process entry needs besides the app: the switch and the streams to end on drain. */
export interface AppHandles {
  readonly lifecycle: Lifecycle;
  readonly metrics: Metrics;
  readonly feeds: StudyFeeds | undefined;
}

const HANDLES = Symbol('strata.handles');

/** The lifecycle, metrics and event feeds of an app made by createApp. */
export function appHandles(app: Express): AppHandles {
  return (app as Express & { [HANDLES]: AppHandles })[HANDLES];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const trustProxy = process.env['STRATA_TRUST_PROXY'];
  if (trustProxy !== undefined && trustProxy !== '') app.set('trust proxy', trustProxy);
  const logger = deps.logger ?? pino({ level: 'silent' });
  const metrics = deps.metrics ?? createMetrics({ pool: deps.pool, studies: deps.studies });
  const lifecycle = deps.lifecycle ?? createLifecycle();
  const limits = { ...DEFAULT_ADMISSION_LIMITS, ...deps.limits };
  const feeds = deps.studies === undefined ? undefined : createStudyFeeds(deps.studies, deps.feeds);
  lifecycle.onDrain(() => feeds?.closeAll());

  app.use(requestContext(logger, metrics));
  app.use(healthRoutes({ pool: deps.pool, studies: deps.studies, lifecycle, metrics }));
  app.use(refuseWhileDraining(lifecycle, metrics));
  if (deps.apiKey !== undefined && deps.apiKey !== '') app.use(requireApiKey(deps.apiKey, metrics));

  const cache = createPlanCache(
    deps.planCacheBytes === undefined ? {} : { maxBytes: deps.planCacheBytes },
  );
  const searches = concurrencyLimit(
    limits.searchesPerClient,
    Number.POSITIVE_INFINITY,
    'searches',
    metrics,
  );
  const admitSearch = [holdWhileOpen(searches)];
  app.use(apiRoutes({ catalog: deps.catalog, pool: deps.pool, cache, admitSearch }));
  if (deps.studies !== undefined && feeds !== undefined) {
    app.use(createStudiesRouter({ studies: deps.studies, metrics, limits, feeds }));
  }
  app.use(notFound);
  app.use(errorHandler(deps.log ?? stderrLogger, requestLogger(logger)));
  Object.assign(app, { [HANDLES]: { lifecycle, metrics, feeds } satisfies AppHandles });
  return app;
}
