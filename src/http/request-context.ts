/**
 * Per-request context (issue #17): a request id (the client's X-Request-Id when it is a sane
 * token, else a fresh UUID; echoed in the response), one structured log line per finished request
 * (method, route pattern, status, ms, request id) and the latency histogram. Probes (/healthz,
 * /readyz, /metrics) log at debug so they do not drown the log.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/** A client's id is echoed only when it is short and plain (no header or log injection). */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export type RequestLog = (req: Request) => Logger;

const ID = Symbol('strata.requestId');
type WithId = Request & { [ID]?: string };

export function requestId(req: Request): string {
  return (req as WithId)[ID] ?? '-';
}

/** The route pattern that answered, or `unmatched` (bounded label values for metrics). */
export function routeOf(req: Request): string {
  const route: unknown = req.route;
  if (typeof route === 'object' && route !== null && 'path' in route) {
    return `${req.baseUrl}${String(route.path)}`;
  }
  return 'unmatched';
}

export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const id = incoming !== undefined && CLIENT_ID.test(incoming) ? incoming : randomUUID();
    (req as WithId)[ID] = id;
    res.set('X-Request-Id', id);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      // A connection closed before the answer was sent is logged as 499 (nginx's convention).
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      metrics.observe(req.method, route, status, seconds);
      const line = {
        reqId: id,
        method: req.method,
        route,
        status,
        ms: Math.round(seconds * 1e4) / 10,
      };
      if (PROBES.has(req.path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/** The request's logger: the app's, with its request id bound. */
export function requestLogger(logger: Logger): RequestLog {
  return (req) => logger.child({ reqId: requestId(req) });
}
