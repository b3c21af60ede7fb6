/**
 * One error type at the HTTP edge (STYLE.md §13): ApiError with a closed union of codes, one
 * code → status table, and one normaliser that turns anything thrown into an ApiError.
 */
import type { ErrorCode, ProblemBody } from './response-schemas.js';

export type { ErrorCode };
export type Issue = NonNullable<ProblemBody['issues']>[number];

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNKNOWN_MODEL: 400,
  UNKNOWN_ACCELERATOR: 400,
  UNKNOWN_PRESET: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INFEASIBLE: 422,
  PLANNING_TIMEOUT: 503,
  OVERLOADED: 503,
  UNAUTHORIZED: 401,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

const TITLE_BY_CODE: Readonly<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'Bad request',
  VALIDATION_FAILED: 'Validation failed',
  NOT_FOUND: 'Not found',
  UNKNOWN_MODEL: 'Unknown model',
  UNKNOWN_ACCELERATOR: 'Unknown accelerator',
  UNKNOWN_PRESET: 'Unknown cluster preset',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  INFEASIBLE: 'No feasible plan',
  PLANNING_TIMEOUT: 'Planning timed out',
  OVERLOADED: 'Planner overloaded',
  UNAUTHORIZED: 'Unauthorized',
  TOO_MANY_REQUESTS: 'Too many requests',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  INTERNAL: 'Internal server error',
};

export interface ApiErrorOptions {
  /** For 429 and 503: the Retry-After header, in whole seconds (default RETRY_AFTER_SECONDS). */
  readonly retryAfterSeconds?: number;
  readonly field?: string;
  readonly issues?: readonly Issue[];
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** Retry-After of a 429/503 that names none: long enough for a worker to free up. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Echoed input is clipped: a 2.5 MB id or string must not come back in the error (issue #17).
 * Strings keep their first PROBLEM_STRING_CHARS characters, arrays their first PROBLEM_ARRAY_ITEMS
 * entries, and nesting stops at PROBLEM_DEPTH.
 */
export const PROBLEM_STRING_CHARS = 200;
const PROBLEM_ARRAY_ITEMS = 100;
const PROBLEM_DEPTH = 8;

/** A string cut to `max` characters with the number left out, e.g. `aaaa…(+2499996 chars)`. */
export function clipString(text: string, max: number = PROBLEM_STRING_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(+${text.length - max} chars)`;
}

function clipValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return clipString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= PROBLEM_DEPTH) return '…';
  if (Array.isArray(value)) {
    const kept = value.slice(0, PROBLEM_ARRAY_ITEMS).map((v) => clipValue(v, depth + 1));
    return value.length > PROBLEM_ARRAY_ITEMS
      ? [...kept, `…(+${value.length - PROBLEM_ARRAY_ITEMS} items)`]
      : kept;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[clipString(k)] = clipValue(v, depth + 1);
  return out;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** Seconds for the Retry-After header (429 and 503 only). */
  readonly retryAfterSeconds: number | undefined;
  readonly field: string | undefined;
  readonly issues: readonly Issue[] | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = STATUS_BY_CODE[code];
    this.retryAfterSeconds =
      this.status === 429 || this.status === 503
        ? Math.max(1, Math.ceil(options.retryAfterSeconds ?? RETRY_AFTER_SECONDS))
        : undefined;
    this.field = options.field;
    this.issues = options.issues;
    this.details = options.details;
  }

  /**
   * The RFC 9457 problem document. INTERNAL never carries the cause's message or stack; echoed
   * input is clipped (clipString) so an error is never larger than a few kilobytes.
   */
  toProblem(): ProblemBody {
    const problem: ProblemBody = {
      type: `https://strata.dev/problems/${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: TITLE_BY_CODE[this.code],
      status: this.status,
      detail: clipString(this.message, 4 * PROBLEM_STRING_CHARS),
      code: this.code,
    };
    if (this.field !== undefined) problem.field = clipString(this.field);
    if (this.issues !== undefined) {
      problem.issues = this.issues
        .slice(0, PROBLEM_ARRAY_ITEMS)
        .map((issue) => clipValue(issue, 1) as Issue);
    }
    if (this.details !== undefined) {
      problem.details = clipValue(this.details, 0) as Record<string, unknown>;
    }
    return problem;
  }
}
