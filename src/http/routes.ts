/**
 * Route handlers. No try/catch: Express 5 forwards thrown errors and rejected promises to the
 * final error middleware (STYLE.md §13). Requests are validated with zod here, on the main
 * thread, and mapped once (model, cluster, limits) before a plan is sent to a worker.
 */
import { Router } from 'express';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import {
  acceleratorList,
  clusterPresetList,
  modelDetail,
  modelList,
} from '../service/catalog-views.js';
import { DOCS_HTML } from './docs-page.js';
import { jsonBody } from './middleware.js';
import { loadOpenApiDocument } from './openapi-document.js';
import { createPlanCache } from '../service/plan-cache.js';
import type { PlanCache } from '../service/plan-cache.js';
import { addPlanRoutes } from './plan-routes.js';
import { ClusterSelectionRequest, EstimateRequest } from '../contract/schemas.js';
import {
  runClusterSelection,
  selectionTimeLimitMilliseconds,
  toBudgetProblem,
} from '../service/cluster-selection.js';
import { runEstimate } from '../service/plan-service.js';
import type { PlanPool } from '../service/worker-pool.js';

export interface RouteDeps {
  readonly catalog: ProfileCatalog;
  /** Without a pool, plans run inline on the request thread (no time limit; tests, tools). */
  readonly pool?: PlanPool | undefined;
  /** Plans kept for GET /v1/plans/{id}; default a fresh byte-bounded LRU per router (LIMITS.planCacheBytes). */
  readonly cache?: PlanCache | undefined;
}

/** Compute once, on first use. */
function lazy<T>(make: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export function apiRoutes({ catalog, pool, cache }: RouteDeps): Router {
  const router = Router();
  const models = lazy(() => modelList(catalog));
  const accelerators = lazy(() => acceleratorList(catalog));
  const clusters = lazy(() => clusterPresetList(catalog));
  const openApi = lazy(loadOpenApiDocument);

  addPlanRoutes(router, { catalog, pool, cache: cache ?? createPlanCache() });

  router.post('/v1/cluster-selections', ...jsonBody(), async (req, res) => {
    const request = ClusterSelectionRequest.parse(req.body);
    toBudgetProblem(catalog, request); // validate here, so bad input never reaches a worker
    res.json(
      pool === undefined
        ? runClusterSelection(catalog, request)
        : await pool.select(request, selectionTimeLimitMilliseconds(request)),
    );
  });

  router.post('/v1/estimates', ...jsonBody(), (req, res) => {
    res.json(runEstimate(catalog, EstimateRequest.parse(req.body)));
  });

  router.get('/v1/models', (_req, res) => {
    res.json(models());
  });
  router.get('/v1/models/:id', (req, res) => {
    res.json(modelDetail(catalog, req.params.id));
  });
  router.get('/v1/accelerators', (_req, res) => {
    res.json(accelerators());
  });
  router.get('/v1/clusters', (_req, res) => {
    res.json(clusters());
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi());
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });
  return router;
}
