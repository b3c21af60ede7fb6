/**
 * POST /v1/models/onnx (issue #18): the raw bytes of an .onnx file (application/octet-stream, up
 * to 256 MiB: this route's own body limit) → the planner hashes and reads it off the event loop
 * and answers its graphId and summary. No try/catch: errors reach the final middleware
 * (STYLE.md §13).
 *
 * The body is read here rather than by express.raw: raw-body joins the chunks with one
 * Buffer.concat at the end, which held the event loop for 0.9 s on a 200 MB upload
 * (bench/onnx-import.ts). With a Content-Length the chunks are copied, as they arrive, into one
 * buffer of that size (its own ArrayBuffer, so it moves to the worker without a copy).
 */
import type { Request, RequestHandler, Router } from 'express';
import { ApiError, LIMITS } from '../contract/index.js';
import type { Planner } from '../service/index.js';
import { abandoned } from './plan-routes.js';

const OCTET_STREAM = 'application/octet-stream';

const tooLarge = (limitBytes: number): ApiError =>
  new ApiError(
    'PAYLOAD_TOO_LARGE',
    `request body exceeds the ${limitBytes / 2 ** 20} MiB limit of an ONNX upload`,
    { details: { limitBytes } },
  );

/** 415 unless the request says it carries raw bytes. */
const requireOctetStream: RequestHandler = (req, _res, next) => {
  if (req.is(OCTET_STREAM) !== OCTET_STREAM) {
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be ${OCTET_STREAM}: the .onnx file's bytes (got ${req.get('content-type') ?? 'none'})`,
    );
  }
  next();
};

/**
 * The whole body, at most `limitBytes` (413 otherwise, after draining the rest so the client
 * reads the answer, as body-parser does).
 */
function readBody(req: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(req.get('content-length') ?? NaN);
  return new Promise((resolve, reject) => {
    const sized = Number.isSafeInteger(declared) && declared <= limitBytes;
    const out = sized ? Buffer.allocUnsafeSlow(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let failed: ApiError | undefined =
      Number.isSafeInteger(declared) && declared > limitBytes ? tooLarge(limitBytes) : undefined;
    req.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (failed !== undefined) return;
      if (received > (out?.byteLength ?? limitBytes)) failed = tooLarge(limitBytes);
      else if (out !== undefined) chunk.copy(out, received - chunk.byteLength);
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed !== undefined) reject(failed);
      else if (out !== undefined && received !== out.byteLength)
        reject(
          new ApiError('BAD_REQUEST', `body ended after ${received} of ${out.byteLength} bytes`),
        );
      else resolve(out ?? new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', (error) => reject(new ApiError('BAD_REQUEST', error.message)));
  });
}

/** `admit`: the searches' per-client admission (the read runs in a search worker). */
export function addOnnxModelRoutes(
  router: Router,
  planner: Planner,
  admit: readonly RequestHandler[] = [],
): void {
  router.post('/v1/models/onnx', ...admit, requireOctetStream, async (req, res) => {
    const bytes = await readBody(req, LIMITS.onnxUploadBytes);
    res.json(await planner.uploadOnnx(bytes, abandoned(req)));
  });
}
