/**
 * Two kinds of failure in the core (STYLE.md §8): a PlanningError is caused by the user's request
 * (valid JSON, but no such plan can exist) and carries a machine-readable reason and the numbers;
 * a broken invariant is our bug and goes through `invariant` (→ HTTP 500).
 */

export type PlanningErrorReason =
  | 'invalid-strategy'
  | 'out-of-memory'
  | 'no-feasible-plan'
  | 'world-size-mismatch'
  | 'batch-not-divisible'
  | 'layers-not-divisible'
  | 'heads-not-divisible'
  | 'unsupported';

export class PlanningError extends Error {
  override readonly name = 'PlanningError';
  constructor(
    readonly reason: PlanningErrorReason,
    message: string,
    /** The request field at fault, as a JSON path (e.g. "strategy.tensorParallel"), if any. */
    readonly field: string | null = null,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** Asserts one of our own invariants; never use for user input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
