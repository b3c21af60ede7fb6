/**
 * Failures of the schedule room (STYLE.md §8). ScheduleInputError: the caller asked for an
 * impossible schedule (bad p, m, v, k or costs), a 4xx. ScheduleValidationError: a per-rank action
 * list is not executable (missing, duplicate or misplaced action, or deadlock); it names the first
 * bad action. Our own bugs go through base's `invariant` (→ 500).
 */
import { DomainError } from '../base/index.js';

export class ScheduleInputError extends DomainError {
  override readonly name = 'ScheduleInputError';
  readonly code = 'invalid-input';
  declare readonly field: string;
  /** @param field the request field at fault, e.g. "numMicroBatches" */
  constructor(field: string, message: string) {
    super(message, field);
  }
}

export type ScheduleValidationReason =
  | 'bad-rank-count'
  | 'out-of-range'
  | 'wrong-rank'
  | 'duplicate'
  | 'mixed-backward'
  | 'missing'
  | 'deadlock';

export class ScheduleValidationError extends DomainError {
  override readonly name = 'ScheduleValidationError';
  readonly code = 'invalid-input';
  constructor(
    readonly reason: ScheduleValidationReason,
    /** Rank whose list holds (or should hold) the bad action. */
    readonly rank: number,
    /** Position in that rank's list; for a missing action, the list length. */
    readonly index: number,
    /** The action as a string (see actionToString), e.g. "3I7". */
    readonly action: string,
    message: string,
  ) {
    super(message, null, { reason, rank, index, action });
  }
}
