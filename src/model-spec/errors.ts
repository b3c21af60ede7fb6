/**
 * The user-facing failure of model ingestion (STYLE.md §8): an invalid model description.
 */
import { DomainError } from '../base/index.js';

/** A model description (HF config, explicit transformer, spec) that is missing or invalid. */
export class ModelInputError extends DomainError {
  override readonly name = 'ModelInputError';
  readonly code = 'invalid-input';
  /** JSON path of the offending field, e.g. "huggingFaceConfig.num_attention_heads". */
  declare readonly field: string;

  constructor(field: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(`${field}: ${message}`, field, details);
  }
}
