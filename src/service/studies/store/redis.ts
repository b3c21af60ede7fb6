/**
 * Redis adapter, used when REDIS_URL is set (the same Redis as the BullMQ queue). Keys:
 *   strata:study:<id>              JSON StudyRecord
 *   strata:study:<id>:results      hash idx → scenario key
 *   strata:study:<id>:inline       hash idx → JSON row (internal errors, not cached)
 *   strata:scenario:<key>          JSON ScenarioResult (the content-hash cache)
 *
 * Issue #17: ids and keys are SHA-256 hex or they are not looked up (an id like `x:results` named
 * another key, and a planted key was served as a study). Commands fail fast while Redis is down
 * (no offline queue, a command timeout) with StoreUnavailableError, instead of hanging; ioredis
 * keeps reconnecting in the background.
 */
import { Redis } from 'ioredis';
import { redisConnectionOptions } from '../executor/redis-connection.js';
import type { ScenarioResult } from '../../../studies/index.js';
import type { StudyRecord, StudyStore } from './types.js';
import { CONTENT_HASH, StoreUnavailableError, isCacheable, withIndex } from './types.js';

const PREFIX = 'strata:';
/** A command that has no answer within this fails (a Redis that accepts but does not answer). */
const COMMAND_TIMEOUT_MILLISECONDS = 2000;
/** Reconnect attempts back off to at most this. */
const MAX_RECONNECT_DELAY_MILLISECONDS = 2000;

/** Any Redis or connection failure as StoreUnavailableError; our own bugs pass through. */
async function guarded<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof TypeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailableError(`the study store (Redis) does not answer: ${message}`, {
      cause: error,
    });
  }
}

export async function openRedisStore(redisUrl: string): Promise<StudyStore> {
  const redis = new Redis({
    ...redisConnectionOptions(redisUrl),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MILLISECONDS,
    retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MILLISECONDS),
  });
  // Connection errors are reported through failing commands; without a listener ioredis logs them.
  redis.on('error', () => undefined);
  await redis.connect();
  const studyKey = (id: string): string => `${PREFIX}study:${id}`;
  const scenarioKey = (key: string): string => `${PREFIX}scenario:${key}`;
  const parse = (json: string | null): ScenarioResult | null =>
    json === null ? null : (JSON.parse(json) as ScenarioResult);

  return {
    async putStudy(record: StudyRecord) {
      if (!CONTENT_HASH.test(record.id)) throw new TypeError(`not a study id: ${record.id}`);
      await guarded(() => redis.set(studyKey(record.id), JSON.stringify(record)));
    },
    async getStudy(id) {
      if (!CONTENT_HASH.test(id)) return null;
      const json = await guarded(() => redis.get(studyKey(id)));
      return json === null ? null : (JSON.parse(json) as StudyRecord);
    },
    async putResult(studyId, index, key, result) {
      if (!CONTENT_HASH.test(studyId) || !CONTENT_HASH.test(key)) {
        throw new TypeError(`not a study id or scenario key: ${studyId} / ${key}`);
      }
      const multi = redis.multi();
      if (isCacheable(result)) {
        multi.set(scenarioKey(key), JSON.stringify(result));
        // A retried row replaces the internal error it had before.
        multi.hdel(`${studyKey(studyId)}:inline`, String(index));
      } else multi.hset(`${studyKey(studyId)}:inline`, String(index), JSON.stringify(result));
      multi.hset(`${studyKey(studyId)}:results`, String(index), key);
      await guarded(() => multi.exec());
    },
    async getResults(studyId) {
      if (!CONTENT_HASH.test(studyId)) return [];
      const [keys, inline] = await guarded(() =>
        Promise.all([
          redis.hgetall(`${studyKey(studyId)}:results`),
          redis.hgetall(`${studyKey(studyId)}:inline`),
        ]),
      );
      const indices = Object.keys(keys)
        .map(Number)
        .filter((i) => Number.isInteger(i) && CONTENT_HASH.test(keys[String(i)] ?? ''))
        .sort((a, b) => a - b);
      if (indices.length === 0) return [];
      const cached = await guarded(() =>
        redis.mget(indices.map((i) => scenarioKey(keys[String(i)] ?? ''))),
      );
      return indices.flatMap((index, n) => {
        const result = parse(inline[String(index)] ?? cached[n] ?? null);
        return result === null ? [] : [withIndex(result, index)];
      });
    },
    async getCached(key) {
      if (!CONTENT_HASH.test(key)) return null;
      return parse(await guarded(() => redis.get(scenarioKey(key))));
    },
    flush: () => Promise.resolve(),
    async ping() {
      await guarded(() => redis.ping());
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
