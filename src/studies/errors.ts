/** A study the user asked for that cannot be run as written (→ HTTP 400 at the edge). */

export type StudyInputReason =
  | 'too-many-scenarios'
  | 'empty-axis'
  | 'unknown-model'
  | 'unknown-accelerator'
  | 'unknown-preset'
  | 'invalid-input';

export class StudyInputError extends Error {
  override readonly name = 'StudyInputError';
  constructor(
    readonly reason: StudyInputReason,
    message: string,
    /** JSON path of the offending spec field, e.g. "axes.models[2]". */
    readonly field: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
