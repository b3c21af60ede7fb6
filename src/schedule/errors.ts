/**
 * Failures of the schedule room (STYLE.md §8). ScheduleInputError: the caller asked for an
 * impossible schedule (bad p, m, v, k or costs), a 4xx. ScheduleValidationError: a per-rank action
 * list is not executable (missing, duplicate or misplaced action, or deadlock); it names the first
 * bad action. ScheduleInvariantError: our own bug (→ 500); never used for user input.
 */

export class ScheduleInputError extends Error {
  override readonly name = 'ScheduleInputError';
  constructor(
    /** The request field at fault, e.g. "numMicroBatches". */
    readonly field: string,
    message: string,
  ) {
    super(message);
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

export class ScheduleValidationError extends Error {
  override readonly name = 'ScheduleValidationError';
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
    super(message);
  }
}

export class ScheduleInvariantError extends Error {
  override readonly name = 'ScheduleInvariantError';
}

/** Asserts one of our own invariants; never use for user input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ScheduleInvariantError(message);
}
