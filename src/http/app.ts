/** createApp(deps): the express app (routes + error middleware), without listen. */
import express from 'express';
import type { Express } from 'express';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import type { ErrorLogger } from './middleware.js';
import { errorHandler, notFound, stderrLogger } from './middleware.js';
import { createPlanCache } from '../service/plan-cache.js';
import { apiRoutes } from './routes.js';
import type { PlanPool } from '../service/worker-pool.js';
import { createStudiesRouter } from './study-routes.js';
import type { StudyService } from '../service/studies/index.js';

export interface AppDeps {
  readonly catalog: ProfileCatalog;
  /** Plan worker pool; without one, plans run on the request thread. */
  readonly pool?: PlanPool;
  /** Where unexpected (500) errors are logged with their stack; default stderr. */
  readonly log?: ErrorLogger;
  /** Asynchronous what-if studies (/v1/studies); absent = not served. */
  readonly studies?: StudyService;
  /** Bytes of serialised plans kept for GET /v1/plans/{id}; default LIMITS.planCacheBytes. */
  readonly planCacheBytes?: number;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const cache = createPlanCache(
    deps.planCacheBytes === undefined ? {} : { maxBytes: deps.planCacheBytes },
  );
  app.use(apiRoutes({ catalog: deps.catalog, pool: deps.pool, cache }));
  if (deps.studies !== undefined) app.use(createStudiesRouter({ studies: deps.studies }));
  app.use(notFound);
  app.use(errorHandler(deps.log ?? stderrLogger));
  return app;
}
