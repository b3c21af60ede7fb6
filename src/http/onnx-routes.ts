/**
 * POST /v1/models/onnx (issue #18): the raw bytes of an .onnx file (application/octet-stream, up
 * to 256 MiB: this route's own body limit) → the planner reads it off the event loop and answers
 * its graphId and summary. No try/catch: errors reach the final middleware (STYLE.md §13).
 */
import express from 'express';
import type { RequestHandler, Router } from 'express';
import { ApiError, LIMITS } from '../contract/index.js';
import type { Planner } from '../service/index.js';

const OCTET_STREAM = 'application/octet-stream';

/** 415 unless the request says it carries raw bytes; then read them (up to `limitBytes`, else 413). */
function octetStreamBody(limitBytes: number): RequestHandler[] {
  const requireBytes: RequestHandler = (req, _res, next) => {
    if (req.is(OCTET_STREAM) !== OCTET_STREAM) {
      throw new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be ${OCTET_STREAM}: the .onnx file's bytes (got ${req.get('content-type') ?? 'none'})`,
      );
    }
    next();
  };
  return [requireBytes, express.raw({ limit: limitBytes, type: OCTET_STREAM })];
}

export function addOnnxModelRoutes(router: Router, planner: Planner): void {
  router.post('/v1/models/onnx', ...octetStreamBody(LIMITS.onnxUploadBytes), async (req, res) => {
    const body: unknown = req.body;
    const bytes = body instanceof Uint8Array ? body : new Uint8Array(0);
    res.json(await planner.uploadOnnx(bytes));
  });
}
