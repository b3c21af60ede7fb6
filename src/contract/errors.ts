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
  INTERNAL: 'Internal server error',
};

export interface ApiErrorOptions {
  readonly field?: string;
  readonly issues?: readonly Issue[];
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
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
    this.field = options.field;
    this.issues = options.issues;
    this.details = options.details;
  }

  /** The RFC 9457 problem document. INTERNAL never carries the cause's message or stack. */
  toProblem(): ProblemBody {
    const problem: ProblemBody = {
      type: `https://strata.dev/problems/${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: TITLE_BY_CODE[this.code],
      status: this.status,
      detail: this.message,
      code: this.code,
    };
    if (this.field !== undefined) problem.field = this.field;
    if (this.issues !== undefined) problem.issues = [...this.issues];
    if (this.details !== undefined) problem.details = { ...this.details };
    return problem;
  }
}
