/**
 * Probes, answered before any other middleware so that neither a quota, the API key, a body
 * parser nor a queue can delay them: /healthz (liveness: the event loop answers), /readyz
 * (readiness: plan workers up, the study store answering, not draining) and /metrics.
 */
import { Router } from 'express';
import type { PlanPool, StudyService } from '../service/index.js';
import type { Lifecycle } from './admission.js';
import type { Metrics } from './metrics.js';

export interface HealthDeps {
  readonly pool?: PlanPool | undefined;
  readonly studies?: StudyService | undefined;
  readonly lifecycle: Lifecycle;
  readonly metrics: Metrics;
}

/** A store that does not answer a ping within this is not ready. */
const STORE_PING_MILLISECONDS = 1000;

async function storeAnswers(studies: StudyService): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_PING_MILLISECONDS);
  });
  try {
    return await Promise.race([
      studies.ping().then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes({ pool, studies, lifecycle, metrics }: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = { shutdown: !lifecycle.draining };
    if (pool !== undefined) {
      const { search, render } = pool.stats();
      checks['planWorkers'] = search.ready > 0 && render.ready > 0;
    }
    if (studies !== undefined) checks['studyStore'] = await storeAnswers(studies);
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
