/**
 * Redis adapter, used when REDIS_URL is set (the same Redis as the BullMQ queue). Keys:
 *   strata:study:<id>              JSON StudyRecord
 *   strata:study:<id>:results      hash idx → scenario key
 *   strata:study:<id>:inline       hash idx → JSON row (internal errors, not cached)
 *   strata:scenario:<key>          JSON ScenarioResult (the content-hash cache)
 */
import { Redis } from 'ioredis';
import { redisConnectionOptions } from '../executor/redis-connection.js';
import type { ScenarioResult } from '../../../studies/index.js';
import type { StudyRecord, StudyStore } from './types.js';
import { isCacheable, withIndex } from './types.js';

const PREFIX = 'strata:';

export async function openRedisStore(redisUrl: string): Promise<StudyStore> {
  const redis = new Redis({ ...redisConnectionOptions(redisUrl), lazyConnect: true });
  await redis.connect();
  const studyKey = (id: string): string => `${PREFIX}study:${id}`;
  const scenarioKey = (key: string): string => `${PREFIX}scenario:${key}`;
  const parse = (json: string | null): ScenarioResult | null =>
    json === null ? null : (JSON.parse(json) as ScenarioResult);

  return {
    async putStudy(record: StudyRecord) {
      await redis.set(studyKey(record.id), JSON.stringify(record));
    },
    async getStudy(id) {
      const json = await redis.get(studyKey(id));
      return json === null ? null : (JSON.parse(json) as StudyRecord);
    },
    async putResult(studyId, index, key, result) {
      const multi = redis.multi();
      if (isCacheable(result)) multi.set(scenarioKey(key), JSON.stringify(result));
      else multi.hset(`${studyKey(studyId)}:inline`, String(index), JSON.stringify(result));
      multi.hset(`${studyKey(studyId)}:results`, String(index), key);
      await multi.exec();
    },
    async getResults(studyId) {
      const keys = await redis.hgetall(`${studyKey(studyId)}:results`);
      const inline = await redis.hgetall(`${studyKey(studyId)}:inline`);
      const indices = Object.keys(keys)
        .map(Number)
        .sort((a, b) => a - b);
      if (indices.length === 0) return [];
      const cached = await redis.mget(indices.map((i) => scenarioKey(keys[String(i)] ?? '')));
      return indices.flatMap((index, n) => {
        const result = parse(inline[String(index)] ?? cached[n] ?? null);
        return result === null ? [] : [withIndex(result, index)];
      });
    },
    async getCached(key) {
      return parse(await redis.get(scenarioKey(key)));
    },
    flush: () => Promise.resolve(),
    async close() {
      await redis.quit();
    },
  };
}
