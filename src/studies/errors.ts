/** A study the user asked for that cannot be run as written (→ HTTP 400 at the edge). */
import { DomainError } from '../base/index.js';

export type StudyInputReason =
  | 'too-many-scenarios'
  | 'empty-axis'
  | 'unknown-model'
  | 'unknown-accelerator'
  | 'unknown-preset'
  | 'invalid-input';

export class StudyInputError extends DomainError {
  override readonly name = 'StudyInputError';
  readonly code = 'invalid-input';
  declare readonly field: string;
  /** @param field JSON path of the offending spec field, e.g. "axes.models[2]" */
  constructor(
    readonly reason: StudyInputReason,
    message: string,
    field: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, field, details);
  }
}
