/** A study the user asked for that cannot be run as written (→ HTTP 400 at the edge). */
import { ReasonedDomainError } from '../base/index.js';

export type StudyInputReason =
  | 'too-many-scenarios'
  | 'empty-axis'
  | 'unknown-model'
  | 'unknown-accelerator'
  | 'unknown-preset'
  | 'invalid-input';

/** Its field is the JSON path of the offending spec field, e.g. "axes.models[2]". */
export class StudyInputError extends ReasonedDomainError<StudyInputReason> {
  override readonly name = 'StudyInputError';
  readonly code = 'invalid-input';
  declare readonly field: string;
}
