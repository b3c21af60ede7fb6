/**
 * The cost model's user-caused failure (STYLE.md §8): valid JSON, but no such plan can exist.
 * It carries a machine-readable reason and the numbers; our own bugs go through base's
 * `invariant` instead (→ HTTP 500).
 */
import { ReasonedDomainError } from '../base/index.js';

export type PlanningErrorReason =
  | 'invalid-strategy'
  | 'out-of-memory'
  | 'no-feasible-plan'
  | 'world-size-mismatch'
  | 'batch-not-divisible'
  | 'layers-not-divisible'
  | 'heads-not-divisible'
  | 'unsupported';

export class PlanningError extends ReasonedDomainError<PlanningErrorReason> {
  override readonly name = 'PlanningError';
  readonly code = 'infeasible';
  // field: the request field at fault, as a JSON path (e.g. "strategy.tensorParallel"), or a
  // search option's name; null when no one field is at fault.
}
