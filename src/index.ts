/** Process entry: load profiles, start the plan workers, serve HTTP, shut down gracefully. */
import type { Server } from 'node:http';
import { createPlanPool } from './api/worker-pool.js';
import { createApp } from './app.js';
import { loadProfileCatalog } from './hardware-profiles/index.js';
import { openStudyRuntime, studyRuntimeOptionsFromEnv } from './studies/index.js';

const DEFAULT_PORT = 8080;
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

async function main(): Promise<void> {
  const catalog = loadProfileCatalog();
  const pool = createPlanPool(catalog);
  const studies = await openStudyRuntime(catalog, studyRuntimeOptionsFromEnv());
  const app = createApp({
    catalog,
    pool,
    studies: studies.service,
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
