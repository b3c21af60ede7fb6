/**
 * Uploaded ONNX models (POST /v1/models/onnx, issue #18): the file is read once — off the event
 * loop, in a plan worker when there is a pool — and its decoded structure (graph, attributes,
 * value infos, small constant values; no weight data: read-model.ts) is kept under its graphId,
 * the SHA-256 hex of the bytes, for POST /v1/plans with model.graphId.
 *
 * The cache is bounded like the plan cache (plan-cache.ts): in bytes and in entries, least
 * recently used out, each entry stored as a V8 structured-clone buffer (outside the JavaScript
 * heap, an exact byte count, sent to a plan worker as is). The 200 MB of a large file are never
 * kept: a decoded model is a few hundred KB (PP-OCRv4 recogniser: 10.8 MB file → 229 KB).
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import {
  OnnxImportError,
  checkSupportedOps,
  readOnnxModel,
  summarizeOnnxModel,
  type OnnxModel,
} from '../graph/onnx/index.js';
import { ApiError, LIMITS } from '../contract/index.js';
import type { OnnxModelUpload } from '../contract/index.js';
import { createByteBoundedLru } from './byte-bounded-lru.js';

/** Wall-clock limit of reading one upload in a worker (a 256 MiB file reads in seconds). */
export const ONNX_READ_TIME_LIMIT_MILLISECONDS = 120_000;

/** One uploaded model as the cache keeps it. */
export interface StoredOnnxModel {
  /** v8.serialize of the decoded {@link OnnxModel}. */
  readonly model: Uint8Array;
  /** The answer to the upload. */
  readonly upload: OnnxModelUpload;
}

/** graphId of an upload: the SHA-256 hex of its bytes. */
export function onnxGraphId(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * An OnnxImportError of an upload as a problem document about the request body (the base64
 * path's errors name model.onnx instead: normalise-error.ts).
 * @param field where the bad input sits in the request (`body`, `model.dimParams`, …)
 */
export function onnxApiError(error: OnnxImportError, field: string): ApiError {
  const code = error.reason === 'too-large' ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
  return new ApiError(code, `${field}: ${error.message}`, {
    field,
    details: {
      onnxField: error.field,
      reason: error.reason,
      ...(error.unsupportedOps === undefined ? {} : { unsupportedOps: [...error.unsupportedOps] }),
    },
  });
}

/**
 * Read an uploaded file (in a plan worker, or inline without a pool): hash it, decode it, refuse
 * ops without a rule, summarise. Hashing is here too: SHA-256 of 200 MB takes seconds on a busy
 * core, and even WebCrypto's digest held the event loop for 2 s in bench/onnx-import.ts.
 * @throws ApiError naming `body` for every OnnxImportError (not ONNX, truncated, too large,
 *   external data, unsupported ops)
 */
export function readUploadedModel(bytes: Uint8Array): StoredOnnxModel {
  const graphId = onnxGraphId(bytes);
  try {
    const model = readOnnxModel(bytes);
    checkSupportedOps(model);
    const summary = summarizeOnnxModel(model);
    return {
      model: serialize(model),
      upload: {
        graphId,
        fileBytes: bytes.byteLength,
        ops: summary.ops,
        parameters: summary.parameters,
        inputs: summary.inputs.map((i) => ({ ...i, shape: [...i.shape] })),
        producer: summary.producer,
        opset: summary.opset,
        irVersion: summary.irVersion,
      },
    };
  } catch (error) {
    if (error instanceof OnnxImportError) throw onnxApiError(error, 'body');
    throw error;
  }
}

/** The decoded model of a stored upload. */
export function decodeStoredModel(model: Uint8Array): OnnxModel {
  return deserialize(model) as OnnxModel;
}

const storedBytes = (s: StoredOnnxModel): number =>
  s.model.byteLength + JSON.stringify(s.upload).length;

export interface OnnxModelCache {
  get(graphId: string): StoredOnnxModel | undefined;
  /** The model or a 404 naming `graphId` (field model.graphId). */
  require(graphId: string): StoredOnnxModel;
  /** Keeps the model unless it alone is over the byte bound; evicts least recently used. */
  set(graphId: string, stored: StoredOnnxModel): void;
  readonly size: number;
  readonly bytes: number;
}

export interface OnnxModelCacheOptions {
  /** Default LIMITS.onnxModelCacheBytes. */
  readonly maxBytes?: number;
  /** Default LIMITS.onnxModelCacheEntries. */
  readonly maxEntries?: number;
}

/** A byte- and entry-bounded LRU over a Map (insertion order = recency). */
export function createOnnxModelCache(options: OnnxModelCacheOptions = {}): OnnxModelCache {
  const maxBytes = options.maxBytes ?? LIMITS.onnxModelCacheBytes;
  const maxEntries = options.maxEntries ?? LIMITS.onnxModelCacheEntries;
  return createByteBoundedLru({
    sizeOfBytes: storedBytes,
    maxBytes,
    maxEntryBytes: maxBytes,
    maxEntries,
    notFound: (graphId) =>
      new ApiError(
        'NOT_FOUND',
        `no uploaded ONNX model with graphId '${graphId}' (the most recent ${maxEntries} uploads are kept; POST the file to /v1/models/onnx again)`,
        { field: 'model.graphId', details: { graphId } },
      ),
  });
}

/** What an upload needs: the cache, and a worker to read the file in (inline without one). */
export interface OnnxUploadDeps {
  readonly cache: OnnxModelCache;
  readonly read?: (bytes: Uint8Array) => Promise<StoredOnnxModel>;
}

/**
 * POST /v1/models/onnx: read the file (hash included, so in the worker) and keep it under its
 * graphId; the same bytes uploaded again are read again and refresh their entry.
 */
export async function uploadOnnxModel(
  bytes: Uint8Array,
  { cache, read }: OnnxUploadDeps,
): Promise<OnnxModelUpload> {
  const stored = read === undefined ? readUploadedModel(bytes) : await read(bytes);
  cache.set(stored.upload.graphId, stored);
  return stored.upload;
}
