/**
 * The two kinds of failure in the core (STYLE.md §8).
 *
 * A DomainError is caused by the caller's input and carries a machine-readable `code`, the input
 * field at fault (a path in the vocabulary of the room that raised it, e.g. `numLayers` or
 * `huggingFaceConfig.num_attention_heads`) and the numbers involved. Every room's user-facing
 * errors extend it, so the edge maps all of them with one rule (code → HTTP status) and only has
 * to say where each room's input sits in a request.
 *
 * A broken invariant is our own bug: `invariant()` throws an InvariantError (→ HTTP 500). Never
 * use it for user input.
 */

/**
 * invalid-input: the input is malformed, out of range or inconsistent (→ 400).
 * unknown-id: a catalog id (model, accelerator, preset) that does not exist (→ 400, naming the valid ids).
 * infeasible: the input is valid, but no such plan or export can exist (→ 422).
 */
export type DomainErrorCode = 'invalid-input' | 'unknown-id' | 'infeasible';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /**
   * @param field path of the offending input in the raising room's vocabulary; null when the
   *   failure is not one field's fault
   * @param details the numbers behind the message (required vs available bytes, valid ids, ...)
   */
  constructor(
    message: string,
    readonly field: string | null,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A DomainError with a machine-readable reason from its room's closed union. */
export abstract class ReasonedDomainError<Reason extends string> extends DomainError {
  constructor(
    readonly reason: Reason,
    message: string,
    field: string | null = null,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, field, details);
  }
}

/**
 * An invalid-input DomainError that is always one field's fault: its message starts with the
 * field's path, so the message alone names what to fix.
 */
export abstract class FieldInputError extends DomainError {
  readonly code = 'invalid-input';
  declare readonly field: string;
  /**
   * @param field path of the offending input in the raising room's vocabulary
   * @param message what is wrong with it
   */
  constructor(field: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(`${field}: ${message}`, field, details);
  }
}

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** Asserts one of our own invariants; never use for user input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
