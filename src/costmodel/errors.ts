/**
 * The cost model's user-caused failure (STYLE.md §8): valid JSON, but no such plan can exist.
 * It carries a machine-readable reason and the numbers; our own bugs go through base's
 * `invariant` instead (→ HTTP 500).
 */
import { DomainError } from '../base/index.js';

export type PlanningErrorReason =
  | 'invalid-strategy'
  | 'out-of-memory'
  | 'no-feasible-plan'
  | 'world-size-mismatch'
  | 'batch-not-divisible'
  | 'layers-not-divisible'
  | 'heads-not-divisible'
  | 'unsupported';

export class PlanningError extends DomainError {
  override readonly name = 'PlanningError';
  readonly code = 'infeasible';
  /**
   * @param field the request field at fault, as a JSON path (e.g. "strategy.tensorParallel"),
   *   or a search option's name; null when no one field is at fault
   */
  constructor(
    readonly reason: PlanningErrorReason,
    message: string,
    field: string | null = null,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, field, details);
  }
}
