/**
 * The one normaliser (STYLE.md §13, tRPC's getTRPCErrorFromUnknown): anything thrown while
 * serving a request becomes an ApiError. Unknown errors become INTERNAL and keep the original as
 * `cause` (logged by the error middleware, never sent to the client).
 */
import { ZodError } from 'zod';
import type { z } from 'zod';
import { DomainError, ReasonedDomainError } from '../base/index.js';
import type { DomainErrorCode } from '../base/index.js';
import { PlanningError } from '../costmodel/index.js';
import { ExportError } from '../export/index.js';
import { ModelInputError } from '../model-spec/index.js';
import { OnnxImportError } from '../graph/onnx/index.js';
import { GraphInputError } from '../graph/operator-graph/index.js';
import { ScheduleInputError, ScheduleValidationError } from '../schedule/index.js';
import { ProfileInputError, ProfileLookupError } from '../hardware-profiles/index.js';
import type { ErrorCode, Issue } from '../contract/index.js';
import { ApiError } from '../contract/index.js';
import { StoreUnavailableError } from './studies/index.js';

type ZodIssue = z.core.$ZodIssue;
type Path = ZodIssue['path'];

const pathKey = (path: readonly PropertyKey[]): (string | number)[] =>
  path.map((p) => (typeof p === 'number' ? p : String(p)));

/** A request path as a field name: `cluster.groups[1].nodes`. */
const fieldName = (path: readonly (string | number)[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/**
 * How deep into the input a union branch got before failing: nested unions count their deepest
 * branch, an unrecognized key counts as not entering the object at all.
 */
function branchDepth(branch: readonly ZodIssue[]): number {
  return Math.max(
    ...branch.map((i): number =>
      i.code === 'invalid_union' && i.errors.length > 0
        ? i.path.length + Math.max(...i.errors.map(branchDepth))
        : i.path.length + (i.code === 'unrecognized_keys' ? 0 : 1),
    ),
  );
}

/**
 * A union's issues hide the branch the user meant. Pick the branch whose issues reach deepest
 * into the input (then the one with fewest issues) and report its issues with full paths.
 */
function flatten(issues: readonly ZodIssue[], prefix: Path = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const [best] = [...issue.errors].sort(
        (a, b) => branchDepth(b) - branchDepth(a) || a.length - b.length,
      );
      if (best !== undefined && branchDepth(best) > 1) return flatten(best, path);
    }
    return [{ code: issue.code, path: pathKey(path), message: issue.message }];
  });
}

function fromZod(error: ZodError): ApiError {
  const issues = flatten(error.issues);
  const first = issues[0];
  const field = first === undefined ? undefined : fieldName(first.path);
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? fieldName(i.path) : '(body)'}: ${i.message}`)
    .join('; ');
  return new ApiError('VALIDATION_FAILED', `invalid request: ${summary}`, {
    ...(field === undefined || field === '' ? {} : { field }),
    issues,
  });
}

const LOOKUP: Readonly<Record<ProfileLookupError['field'], [ErrorCode, string]>> = {
  model: ['UNKNOWN_MODEL', 'model'],
  accelerator: ['UNKNOWN_ACCELERATOR', 'cluster.accelerator'],
  preset: ['UNKNOWN_PRESET', 'cluster.preset'],
};

/** Field names the domain uses for cluster input, mapped onto request paths. */
function clusterField(field: string): string {
  return field === 'numNodes' ? 'cluster.nodes' : `cluster.${field}`;
}

/** PlanningError fields are request paths already, except the search options. */
function planningField(field: string): string {
  return /^(strategy|cluster|model|training)\b/.test(field) ? field : `search.${field}`;
}

/** body-parser / raw-body errors carry `type` and `status`. */
function fromBodyParser(error: unknown): ApiError | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  const { type } = error;
  const message = error instanceof Error ? error.message : String(type);
  switch (type) {
    case 'entity.parse.failed':
      return new ApiError('BAD_REQUEST', `malformed JSON: ${message}`);
    case 'entity.too.large': {
      const limit = 'limit' in error && typeof error.limit === 'number' ? error.limit : 2 ** 20;
      return new ApiError(
        'PAYLOAD_TOO_LARGE',
        `request body exceeds the ${limit / 2 ** 20} MB limit`,
        { details: { limitBytes: limit } },
      );
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', message);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new ApiError('BAD_REQUEST', message);
    default:
      return null;
  }
}

/**
 * Other client errors raised by express's own layers, marked 4xx the http-errors way (`status`
 * 400–499, `expose`): a body whose Content-Encoding does not match it (zlib "incorrect header
 * check"), a path with a malformed %-escape ("Failed to decode param"). Issue #17: both were 500.
 */
function fromHttpError(error: unknown): ApiError | null {
  if (!(error instanceof Error)) return null;
  const status = 'status' in error ? error.status : undefined;
  if (error instanceof URIError || (typeof status === 'number' && status >= 400 && status < 500)) {
    if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', error.message);
    if (status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', error.message);
    const encoding =
      'code' in error && typeof error.code === 'string' && error.code.startsWith('Z_');
    return new ApiError(
      'BAD_REQUEST',
      encoding
        ? `request body does not match its Content-Encoding: ${error.message}`
        : error.message,
    );
  }
  return null;
}

/** ScheduleRequest (domain) field names → POST /v1/schedules body paths. */
const SCHEDULE_FIELDS: Readonly<Record<string, string>> = {
  numRanks: 'stages',
  numMicroBatches: 'microBatches',
  forwardSeconds: 'stageTimes.forwardSeconds',
  backwardInputSeconds: 'stageTimes.backwardInputSeconds',
  backwardWeightSeconds: 'stageTimes.backwardWeightSeconds',
};

const CODE_BY_DOMAIN: Readonly<Record<Exclude<DomainErrorCode, 'unknown-id'>, ErrorCode>> = {
  'invalid-input': 'VALIDATION_FAILED',
  infeasible: 'INFEASIBLE',
};

/**
 * Where a room's input sits in a request, and how its message reads there: the one place that
 * knows, e.g., that model ingestion's `huggingFaceConfig.x` is the request's `model.huggingFaceConfig.x`.
 */
function requestField(error: DomainError): { field?: string; message: string } {
  const message = error.message;
  if (error instanceof ModelInputError || error instanceof GraphInputError) {
    return { field: `model.${error.field}`, message: `model.${message}` };
  }
  if (error instanceof OnnxImportError)
    return { field: 'model.onnx', message: `model.onnx: ${message}` };
  if (error instanceof ProfileInputError) {
    const field = clusterField(error.field);
    return { field, message: message.replace(error.field, field) };
  }
  if (error instanceof ScheduleInputError) {
    return { field: SCHEDULE_FIELDS[error.field] ?? error.field, message };
  }
  if (error instanceof PlanningError) {
    return error.field === null ? { message } : { field: planningField(error.field), message };
  }
  return error.field === null ? { message } : { field: error.field, message };
}

/** Extra details a room's error adds to the problem document. */
function domainDetails(error: DomainError): Record<string, unknown> {
  if (error instanceof OnnxImportError) {
    const unsupported = error.unsupportedOps;
    return {
      onnxField: error.field,
      reason: error.reason,
      ...(unsupported === undefined ? {} : { unsupportedOps: [...unsupported] }),
    };
  }
  if (error instanceof ExportError) {
    return { reason: error.reason, format: error.format, ...error.details };
  }
  if (error instanceof ReasonedDomainError) return { reason: error.reason, ...error.details };
  return { ...error.details };
}

/** Any room's DomainError: one rule (code → status), the room's field placed in the request. */
function fromDomain(error: DomainError): ApiError {
  if (error instanceof ProfileLookupError) {
    const [code, field] = LOOKUP[error.field];
    return new ApiError(code, error.message, {
      field,
      details: { id: error.id, validIds: error.validIds },
    });
  }
  const code =
    error instanceof OnnxImportError && error.reason === 'too-large'
      ? 'PAYLOAD_TOO_LARGE'
      : error.code === 'unknown-id'
        ? 'VALIDATION_FAILED'
        : CODE_BY_DOMAIN[error.code];
  const { field, message } = requestField(error);
  const details = domainDetails(error);
  return new ApiError(code, message, {
    ...(field === undefined ? {} : { field }),
    ...(Object.keys(details).length === 0 ? {} : { details }),
  });
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) {
    return new ApiError('SERVICE_UNAVAILABLE', error.message, { cause: error });
  }
  if (error instanceof ZodError) return fromZod(error);
  // No request carries action lists: a schedule that fails its check is one we generated (a bug).
  if (error instanceof DomainError && !(error instanceof ScheduleValidationError)) {
    return fromDomain(error);
  }
  return (
    fromBodyParser(error) ??
    fromHttpError(error) ??
    new ApiError('INTERNAL', 'internal error', { cause: error })
  );
}
