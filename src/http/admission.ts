/**
 * Admission control at the HTTP edge (issue #17): the optional bearer key on non-GET routes,
 * per-client quotas (study creations per minute, open event streams, searches in flight), and the
 * shutdown switch. A client is its address (req.ip; behind a proxy set STRATA_TRUST_PROXY so
 * X-Forwarded-For is used). Refusals are 401 / 429 / 503 problem documents with Retry-After.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError } from '../contract/index.js';
import type { Metrics } from './metrics.js';

export interface AdmissionLimits {
  /** POST /v1/studies per client: bucket size, and tokens added per minute. */
  readonly studyBurst: number;
  readonly studiesPerMinute: number;
  /** Open /v1/studies/{id}/events streams per client, and in all. */
  readonly eventStreamsPerClient: number;
  readonly eventStreamsTotal: number;
  /** POST /v1/plans and /v1/cluster-selections one client may have queued or running at once. */
  readonly searchesPerClient: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  studyBurst: 10,
  studiesPerMinute: 10,
  eventStreamsPerClient: 32,
  eventStreamsTotal: 2000,
  searchesPerClient: 8,
};

/** Past this many tracked clients, full buckets (clients at rest) are forgotten. */
const MAX_TRACKED_CLIENTS = 10_000;

const clientOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** 401 on every method but GET/HEAD/OPTIONS unless `Authorization: Bearer <apiKey>`. */
export function requireApiKey(apiKey: string, metrics: Metrics): RequestHandler {
  const expected = digest(apiKey);
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), expected))
      return next();
    metrics.rejected('unauthorized');
    throw new ApiError(
      'UNAUTHORIZED',
      'this server needs `Authorization: Bearer <STRATA_API_KEY>` on every method but GET',
    );
  };
}

/** A token bucket per client: `burst` at most, refilled at `perMinute`. */
export function rateLimit(
  burst: number,
  perMinute: number,
  what: string,
  metrics: Metrics,
): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (b: { tokens: number; at: number }, now: number): void => {
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 60_000) * perMinute);
    b.at = now;
  };
  return (req, _res, next) => {
    const now = Date.now();
    if (buckets.size > MAX_TRACKED_CLIENTS) {
      for (const [client, b] of buckets) {
        refill(b, now);
        if (b.tokens >= burst) buckets.delete(client);
      }
    }
    const client = clientOf(req);
    const bucket = buckets.get(client) ?? { tokens: burst, at: now };
    buckets.set(client, bucket);
    refill(bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return next();
    }
    metrics.rejected(`${what}-rate`);
    const wait = ((1 - bucket.tokens) / perMinute) * 60;
    throw new ApiError(
      'TOO_MANY_REQUESTS',
      `too many ${what} from this client: at most ${burst} at once and ${perMinute} per minute`,
      {
        retryAfterSeconds: wait,
        details: { burst, perMinute },
      },
    );
  };
}

/** At most `perClient` concurrent holders per client and `total` in all; release when done. */
export interface ConcurrencyLimit {
  /** Throws 429 (this client) or 503 (everyone) when full; else the release function. */
  acquire(req: Request): () => void;
  readonly total: number;
}

export function concurrencyLimit(
  perClient: number,
  total: number,
  what: string,
  metrics: Metrics,
): ConcurrencyLimit {
  const held = new Map<string, number>();
  let all = 0;
  return {
    acquire(req) {
      const client = clientOf(req);
      const mine = held.get(client) ?? 0;
      if (mine >= perClient) {
        metrics.rejected(`${what}-per-client`);
        throw new ApiError(
          'TOO_MANY_REQUESTS',
          `this client already has ${mine} ${what} open (at most ${perClient}); close one or retry later`,
          {
            details: { limit: perClient },
          },
        );
      }
      if (all >= total) {
        metrics.rejected(`${what}-total`);
        throw new ApiError(
          'SERVICE_UNAVAILABLE',
          `the server has ${all} ${what} open, its limit; retry later`,
        );
      }
      held.set(client, mine + 1);
      all += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        all -= 1;
        const left = (held.get(client) ?? 1) - 1;
        if (left === 0) held.delete(client);
        else held.set(client, left);
      };
    },
    get total() {
      return all;
    },
  };
}

/** Holds a slot of `limit` for the life of the request (searches: until the answer is sent). */
export function holdWhileOpen(limit: ConcurrencyLimit): RequestHandler {
  return (req, res, next) => {
    const release = limit.acquire(req);
    res.once('close', release);
    res.once('finish', release);
    next();
  };
}

/** The server's shutdown switch: set once, read by readiness, admission and event streams. */
export interface Lifecycle {
  readonly draining: boolean;
  /** Flips to draining and tells every listener (idempotent). */
  beginDrain(): void;
  onDrain(listener: () => void): () => void;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  const listeners = new Set<() => void>();
  return {
    get draining() {
      return draining;
    },
    beginDrain() {
      if (draining) return;
      draining = true;
      for (const listener of [...listeners]) listener();
    },
    onDrain(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** 503 + Connection: close for new work once draining (probes still answer). */
export function refuseWhileDraining(lifecycle: Lifecycle, metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    if (!lifecycle.draining) return next();
    metrics.rejected('shutting-down');
    res.set('Connection', 'close');
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'the server is shutting down; retry on another instance',
      {
        retryAfterSeconds: 1,
      },
    );
  };
}
