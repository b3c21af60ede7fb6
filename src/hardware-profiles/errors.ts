/**
 * Typed, user-facing failures of the hardware-profiles room (STYLE.md §8): an unknown id, an
 * invalid custom-cluster number, or a malformed file under profiles/.
 */
import { DomainError, FieldInputError } from '../base/index.js';

/** Which kind of catalog id was looked up. */
export type ProfileLookupField = 'accelerator' | 'preset' | 'model';

/** An id that is not in the catalog; the message lists the valid ids. */
export class ProfileLookupError extends DomainError {
  override readonly name = 'ProfileLookupError';
  readonly code = 'unknown-id';
  declare readonly field: ProfileLookupField;

  constructor(
    field: ProfileLookupField,
    readonly id: string,
    readonly validIds: readonly string[],
  ) {
    super(`unknown ${field} '${id}'; valid ${field} ids: ${validIds.join(', ')}`, field, {
      id,
      validIds,
    });
  }
}

/**
 * A user-supplied number for a cluster (node count, bandwidth, ...) that is out of range; its
 * field is the dotted path of the offending input, e.g. "interNode.nicBandwidthGBps".
 */
export class ProfileInputError extends FieldInputError {
  override readonly name = 'ProfileInputError';
}

/** A file under profiles/ that cannot be parsed or does not match its schema. */
export class ProfileFileError extends DomainError {
  override readonly name = 'ProfileFileError';
  readonly code = 'invalid-input';
  /** Dotted JSON path of the offending field, or '' when the whole file is at fault. */
  declare readonly field: string;

  constructor(
    readonly file: string,
    field: string,
    message: string,
  ) {
    super(`${file}: ${field === '' ? '' : `field '${field}': `}${message}`, field);
  }
}
