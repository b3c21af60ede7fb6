/** HTTP plumbing: JSON body parsing with bounds, the 404 fallback and the final error handler. */
import express from 'express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError, LIMITS } from '../contract/index.js';
import { toApiError } from '../service/index.js';
import { nestsDeeperThan } from './json-depth.js';
import type { RequestLog } from './request-context.js';

const JSON_TYPES = ['application/json', 'application/*+json'];
/** First byte of a JSON text the API accepts: an object or an array (body-parser's strict mode). */
const STRICT_START = /^[\s\uFEFF]*[{[]/;

/** The body as JSON: UTF-8 only, nesting checked on the bytes before JSON.parse sees them. */
const parseJson: RequestHandler = (req, _res, next) => {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw)) {
    req.body = {};
    return next();
  }
  const charset = /;\s*charset=([^;\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `unsupported charset "${charset.toUpperCase()}"`);
  }
  if (raw.length === 0) {
    req.body = {};
    return next();
  }
  if (nestsDeeperThan(raw, LIMITS.jsonDepth)) {
    throw new ApiError(
      'BAD_REQUEST',
      `malformed JSON: nested deeper than ${LIMITS.jsonDepth} levels of arrays and objects`,
      { details: { maxDepth: LIMITS.jsonDepth } },
    );
  }
  const text = raw.toString('utf8');
  if (!STRICT_START.test(text)) {
    throw new ApiError('BAD_REQUEST', 'malformed JSON: the body must be an object or an array');
  }
  try {
    req.body = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new ApiError('BAD_REQUEST', `malformed JSON: ${(error as Error).message}`);
  }
  next();
};

/** 415 unless the request says it carries JSON; then read (1 MB limit unless given) and parse it. */
export function jsonBody(limitBytes: number = LIMITS.bodyBytes): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (req.is(JSON_TYPES) === false || req.is(JSON_TYPES) === null) {
      throw new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be application/json (got ${req.get('content-type') ?? 'none'})`,
      );
    }
    next();
  };
  return [requireJson, express.raw({ limit: limitBytes, type: JSON_TYPES }), parseJson];
}

export const notFound: RequestHandler = (req) => {
  throw new ApiError('NOT_FOUND', `no route ${req.method} ${req.path}`);
};

export type ErrorLogger = (message: string, error: unknown) => void;

/** Default logger: the stack of an unexpected error on stderr (never sent to the client). */
export const stderrLogger: ErrorLogger = (message, error) => {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${message}: ${stack}\n`);
};

/**
 * The final middleware (Hono's default handler): known error → its problem document; else 500.
 * 429 and 503 carry Retry-After (RFC 9110 §10.2.3); 401 carries WWW-Authenticate.
 */
export function errorHandler(log: ErrorLogger, requestLog?: RequestLog): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError = toApiError(error);
    if (apiError.code === 'INTERNAL') {
      log(
        `internal error on ${req.method} ${req.originalUrl.slice(0, 200)}`,
        apiError.cause ?? apiError,
      );
      requestLog?.(req).error({ err: apiError.cause ?? apiError }, 'internal error');
    }
    if (apiError.retryAfterSeconds !== undefined) {
      res.set('Retry-After', String(apiError.retryAfterSeconds));
    }
    if (apiError.code === 'UNAUTHORIZED') res.set('WWW-Authenticate', 'Bearer realm="strata"');
    res.status(apiError.status).type('application/problem+json').json(apiError.toProblem());
  };
}
