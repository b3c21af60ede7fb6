/** Process entry: load profiles, start the plan workers, serve HTTP, shut down gracefully. */
import type { Server } from 'node:http';
import { createPlanPool } from './service/worker-pool.js';
import { createApp } from './http/app.js';
import { loadProfileCatalog } from './hardware-profiles/index.js';
import { openStudyRuntime, studyRuntimeOptionsFromEnv } from './service/studies/index.js';

const DEFAULT_PORT = 8080;

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
/** Connections still open after this are cut so that shutdown always finishes. */
const SHUTDOWN_GRACE_MILLISECONDS = 10_000;

function port(): number {
  const raw = process.env['PORT'];
  const value = raw === undefined || raw === '' ? DEFAULT_PORT : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new Error(`PORT must be an integer in [0, 65535], got ${raw}`);
  }
  return value;
}

/** STRATA_PLAN_CACHE_MIB: the plan cache's byte budget in MiB (binary). */
function planCacheBytes(): number | undefined {
  const raw = process.env['STRATA_PLAN_CACHE_MIB'];
  if (raw === undefined || raw === '') return undefined;
  const mib = Number(raw);
  if (!Number.isFinite(mib) || mib < 0) {
    throw new Error(`STRATA_PLAN_CACHE_MIB must be a non-negative number, got ${raw}`);
  }
  return Math.floor(mib * 2 ** 20);
}

async function main(): Promise<void> {
  const catalog = loadProfileCatalog();
  const pool = createPlanPool();
  const studies = await openStudyRuntime(catalog, studyRuntimeOptionsFromEnv());
  const app = createApp({
    catalog,
    pool,
    studies: studies.service,
    ...optional('planCacheBytes', planCacheBytes()),
    log: (message, error) => console.error(message, error),
  });
  const server: Server = app.listen(port(), () => {
    const address = server.address();
    const where = typeof address === 'object' && address !== null ? address.port : address;
    console.log(
      `strata listening on :${where} (${catalog.models.size} models, ${catalog.devices.size} accelerators, ${catalog.clusterPresets.size} cluster presets)`,
    );
  });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`strata: ${signal} received, shutting down`);
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MILLISECONDS).unref();
    server.close(() => {
      void Promise.all([pool.close(), studies.close()]).then(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('strata: failed to start', error);
  process.exit(1);
});
