/** HTTP plumbing: JSON body parsing with bounds, the 404 fallback and the final error handler. */
import express from 'express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError, LIMITS } from '../contract/index.js';
import { toApiError } from '../service/normalise-error.js';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** 415 unless the request says it carries JSON; then parse it (1 MB limit unless given). */
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
  return [requireJson, express.json({ limit: limitBytes, type: JSON_TYPES })];
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

/** The final middleware (Hono's default handler): known error → its problem document; else 500. */
export function errorHandler(log: ErrorLogger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const apiError = toApiError(error);
    if (apiError.code === 'INTERNAL') {
      log(`internal error on ${req.method} ${req.originalUrl}`, apiError.cause ?? apiError);
    }
    res.status(apiError.status).type('application/problem+json').json(apiError.toProblem());
  };
}
