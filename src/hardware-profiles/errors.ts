/**
 * Typed, user-facing failures of the hardware-profiles room (STYLE.md §8): an unknown id, an
 * invalid custom-cluster number, or a malformed file under profiles/.
 */

/** Which kind of catalog id was looked up. */
export type ProfileLookupField = 'accelerator' | 'preset' | 'model';

/** An id that is not in the catalog; the message lists the valid ids. */
export class ProfileLookupError extends Error {
  override readonly name = 'ProfileLookupError';
  readonly field: ProfileLookupField;
  readonly id: string;
  readonly validIds: readonly string[];

  constructor(field: ProfileLookupField, id: string, validIds: readonly string[]) {
    super(`unknown ${field} '${id}'; valid ${field} ids: ${validIds.join(', ')}`);
    this.field = field;
    this.id = id;
    this.validIds = validIds;
  }
}

/** A user-supplied number for a cluster (node count, bandwidth, ...) that is out of range. */
export class ProfileInputError extends Error {
  override readonly name = 'ProfileInputError';
  /** Dotted path of the offending input, e.g. "interNode.nicBandwidthGBps". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** A file under profiles/ that cannot be parsed or does not match its schema. */
export class ProfileFileError extends Error {
  override readonly name = 'ProfileFileError';
  readonly file: string;
  /** Dotted JSON path of the offending field, or '' when the whole file is at fault. */
  readonly field: string;

  constructor(file: string, field: string, message: string) {
    super(`${file}: ${field === '' ? '' : `field '${field}': `}${message}`);
    this.file = file;
    this.field = field;
  }
}
