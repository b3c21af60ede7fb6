/**
 * Route handlers. No try/catch: Express 5 forwards thrown errors and rejected promises to the
 * final error middleware (STYLE.md §13). Requests are parsed with zod here and handed to the
 * planner service (service/planner.ts), which maps each once before any worker sees it.
 */
import { Router } from 'express';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import {
  acceleratorList,
  clusterPresetList,
  modelDetail,
  modelList,
  createPlanCache,
  createPlanner,
} from '../service/index.js';
import { DOCS_HTML } from './docs-page.js';
import { jsonBody } from './middleware.js';
import { loadOpenApiDocument } from './openapi-document.js';
import type { PlanCache, PlanPool } from '../service/index.js';
import { addOnnxModelRoutes } from './onnx-routes.js';
import { addPlanRoutes } from './plan-routes.js';
import { ClusterSelectionRequest, EstimateRequest } from '../contract/index.js';

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

  const planner = createPlanner({ catalog, pool, cache: cache ?? createPlanCache() });
  addPlanRoutes(router, planner);
  addOnnxModelRoutes(router, planner);

  router.post('/v1/cluster-selections', ...jsonBody(), async (req, res) => {
    res.json(await planner.selectCluster(ClusterSelectionRequest.parse(req.body)));
  });

  router.post('/v1/estimates', ...jsonBody(), (req, res) => {
    res.json(planner.estimate(EstimateRequest.parse(req.body)));
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
