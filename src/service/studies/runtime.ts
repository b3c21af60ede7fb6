/**
 * Adapter selection (the one place under studies/ that reads the environment; called from api/
 * and cli/ only): REDIS_URL set → Redis store + BullMQ executor; otherwise the SQLite file under
 * STRATA_DATA_DIR (default .strata-data/) + the embedded worker-thread pool.
 */
import { join } from 'node:path';
import type { ProfileCatalog } from '../../hardware-profiles/index.js';
import { createBullmqExecutor } from './executor/bullmq.js';
import { createProcessPoolExecutor, defaultPoolSize } from './executor/thread-pool.js';
import type { ScenarioExecutor } from './executor/types.js';
import type { StudyService } from './study-service.js';
import { createStudyService } from './study-service.js';
import { openRedisStore } from './store/redis.js';
import { openSqliteStore } from './store/sqlite.js';
import { openSqliteStoreOffThread } from './store/sqlite-off-thread.js';
import type { StudyStore } from './store/types.js';

export const DEFAULT_DATA_DIR = '.strata-data';
export const SQLITE_FILE = 'studies.sqlite';

export interface StudyRuntimeOptions {
  readonly redisUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  /** Embedded pool size; default min(2, CPUs − 1), at least 1. */
  readonly poolSize?: number;
  /** Profiles directory the embedded worker processes load (default: the repository's). */
  readonly profilesDir?: string;
  /** null: in-memory SQLite, nothing written (the CLI). */
  readonly persist?: boolean;
}

export interface StudyRuntime {
  readonly service: StudyService;
  readonly store: StudyStore;
  readonly executor: ScenarioExecutor;
  readonly mode: 'embedded' | 'redis';
  /** Running scenarios may finish for up to graceMilliseconds (default: all of them). */
  close(graceMilliseconds?: number): Promise<void>;
}

export function studyRuntimeOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): StudyRuntimeOptions {
  return {
    redisUrl: env['REDIS_URL'] || undefined,
    dataDir: env['STRATA_DATA_DIR'] || DEFAULT_DATA_DIR,
  };
}

export async function openStudyRuntime(
  catalog: ProfileCatalog,
  options: StudyRuntimeOptions,
): Promise<StudyRuntime> {
  const redisUrl = options.redisUrl;
  const store =
    redisUrl === undefined
      ? options.persist === false
        ? await openSqliteStore({ filePath: null })
        : // On its own thread: exporting the database image to disk blocks for 100+ ms.
          await openSqliteStoreOffThread({
            filePath: join(options.dataDir ?? DEFAULT_DATA_DIR, SQLITE_FILE),
          })
      : await openRedisStore(redisUrl);
  const executor =
    redisUrl === undefined
      ? // Low-priority child processes keep the API responsive (bench/studies.ts: /healthz p99
        // 10–17 ms vs 16–32 ms with worker threads on 2 cores); each loads the same profiles.
        createProcessPoolExecutor(options.profilesDir, options.poolSize ?? defaultPoolSize())
      : await createBullmqExecutor(redisUrl);
  const service = createStudyService({ catalog, store, executor });
  return {
    service,
    store,
    executor,
    mode: redisUrl === undefined ? 'embedded' : 'redis',
    async close(graceMilliseconds) {
      await service.close(graceMilliseconds);
      await executor.close();
      await store.close();
    },
  };
}
