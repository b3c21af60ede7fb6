/** REDIS_URL → connection options shared by BullMQ queues/workers and the Redis store. */

export const SCENARIO_QUEUE = 'strata-scenarios';

export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  /** BullMQ workers block on Redis; ioredis must not give up on a command (BullMQ docs). */
  readonly maxRetriesPerRequest: null;
}

/** redis://[user[:password]@]host[:port][/db] */
export function redisConnectionOptions(url: string): RedisConnectionOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:')
    throw new Error(`REDIS_URL must start with redis://, got '${url}'`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    db,
    maxRetriesPerRequest: null,
  };
}
