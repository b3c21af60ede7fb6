/**
 * Process entry: read the environment, load profiles, start the plan workers and the study
 * runtime, serve HTTP, and drain on SIGTERM/SIGINT (issue #17):
 *   1. readiness turns 503 and new requests are refused (503 + Retry-After, Connection: close);
 *      event streams are ended; the listener stops accepting connections;
 *   2. searches and renders already queued or running may finish for STRATA_SHUTDOWN_GRACE_SECONDS
 *      (default 25), running study scenarios likewise (their rows are kept; the study resumes when
 *      its spec is submitted again);
 *   3. what is left is cancelled (503), connections are closed, and the process exits 0.
 * A second signal exits at once (code 1).
 */
import type { Server } from 'node:http';
import { pino } from 'pino';
import { createPlanPool, openStudyRuntime, studyRuntimeOptionsFromEnv } from './service/index.js';
import { appHandles, createApp } from './http/app.js';
import type { AdmissionLimits } from './http/admission.js';
import { loadProfileCatalog } from './hardware-profiles/index.js';

const DEFAULT_PORT = 8080;
/**
 * Loopback by default: the API takes CPU-heavy work and has no key unless STRATA_API_KEY is set,
 * so it is reachable from elsewhere only when asked (HOST=0.0.0.0, e.g. in a container).
 */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_GRACE_SECONDS = 25;

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });

/** A non-negative number from the environment, or undefined when unset. */
function envNumber(name: string, integer = false): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${raw}`);
  }
  return value;
}

function port(): number {
  const value = envNumber('PORT', true) ?? DEFAULT_PORT;
  if (value > 65_535) throw new Error(`PORT must be an integer in [0, 65535], got ${value}`);
  return value;
}

/** STRATA_PLAN_CACHE_MIB: the plan cache's byte budget in MiB (binary). */
function planCacheBytes(): number | undefined {
  const mib = envNumber('STRATA_PLAN_CACHE_MIB');
  return mib === undefined ? undefined : Math.floor(mib * 2 ** 20);
}

/** Per-client quotas from the environment (README, "Running it as a service"). */
function limits(): Partial<AdmissionLimits> {
  return {
    ...optional('studyBurst', envNumber('STRATA_STUDY_BURST', true)),
    ...optional('studiesPerMinute', envNumber('STRATA_STUDIES_PER_MINUTE')),
    ...optional('eventStreamsPerClient', envNumber('STRATA_EVENT_STREAMS_PER_CLIENT', true)),
    ...optional('eventStreamsTotal', envNumber('STRATA_EVENT_STREAMS_MAX', true)),
    ...optional('searchesPerClient', envNumber('STRATA_SEARCHES_PER_CLIENT', true)),
  };
}

async function main(): Promise<void> {
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'info' });
  const catalog = loadProfileCatalog();
  const pool = createPlanPool({
    ...optional('size', envNumber('STRATA_PLAN_WORKERS', true)),
    ...optional('maxQueue', envNumber('STRATA_PLAN_QUEUE', true)),
    ...optional('heapMiB', envNumber('STRATA_WORKER_HEAP_MIB', true)),
  });
  const studies = await openStudyRuntime(catalog, studyRuntimeOptionsFromEnv());
  const app = createApp({
    catalog,
    pool,
    studies: studies.service,
    logger,
    apiKey: process.env['STRATA_API_KEY'],
    limits: limits(),
    ...optional('planCacheBytes', planCacheBytes()),
    log: (message, error) => logger.error({ err: error }, message),
  });
  const { lifecycle } = appHandles(app);
  const host = process.env['HOST'] || DEFAULT_HOST;
  const server: Server = app.listen(port(), host, () => {
    const address = server.address();
    const where =
      typeof address === 'object' && address !== null
        ? `${address.address}:${address.port}`
        : address;
    logger.info(
      {
        address: where,
        mode: studies.mode,
        models: catalog.models.size,
        accelerators: catalog.devices.size,
        clusterPresets: catalog.clusterPresets.size,
      },
      `strata listening on ${where}`,
    );
  });
  const graceMilliseconds =
    (envNumber('STRATA_SHUTDOWN_GRACE_SECONDS') ?? DEFAULT_GRACE_SECONDS) * 1000;

  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal, graceMilliseconds }, 'draining');
    lifecycle.beginDrain();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([pool.close(graceMilliseconds), studies.close(graceMilliseconds)]);
    // Answers in flight have been produced; give their bytes a moment, then cut what is left.
    const cut = setTimeout(() => server.closeAllConnections(), 1000);
    await closed;
    clearTimeout(cut);
    logger.info('stopped');
  };
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('strata: failed to start', error);
  process.exit(1);
});
