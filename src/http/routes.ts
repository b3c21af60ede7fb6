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
import { abandoned, addPlanRoutes } from './plan-routes.js';
import { ClusterSelectionRequest, EstimateRequest } from '../contract/index.js';
import type { RequestHandler } from 'express';

export interface RouteDeps {
  readonly catalog: ProfileCatalog;
  /** Without a pool, plans run inline on the request thread (no time limit; tests, tools). */
  readonly pool?: PlanPool | undefined;
  /** Plans kept for GET /v1/plans/{id}; default a fresh byte-bounded LRU per router (LIMITS.planCacheBytes). */
  readonly cache?: PlanCache | undefined;
  /** Admission for searches (POST /v1/plans, /v1/cluster-selections, /v1/models/onnx), before the body is read. */
  readonly admitSearch?: RequestHandler[];
}

/** Compute once, on first use. */
function lazy<T>(make: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export function apiRoutes({ catalog, pool, cache, admitSearch = [] }: RouteDeps): Router {
  const router = Router();
  const models = lazy(() => modelList(catalog));
  const accelerators = lazy(() => acceleratorList(catalog));
  const clusters = lazy(() => clusterPresetList(catalog));
  const openApi = lazy(loadOpenApiDocument);

  const planner = createPlanner({ catalog, pool, cache: cache ?? createPlanCache() });
  addPlanRoutes(router, planner, admitSearch);
  addOnnxModelRoutes(router, planner, admitSearch);

  router.post('/v1/cluster-selections', ...admitSearch, ...jsonBody(), async (req, res) => {
    const request = ClusterSelectionRequest.parse(req.body);
    res.json(await planner.selectCluster(request, abandoned(req)));
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
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi());
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });
  return router;
}
