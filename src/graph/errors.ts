/**
 * The user-facing failure of model ingestion (STYLE.md §8): an invalid model description.
 */

/** A model description (HF config, explicit transformer, spec) that is missing or invalid. */
export class ModelInputError extends Error {
  override readonly name = 'ModelInputError';
  /** JSON path of the offending field, e.g. "huggingFaceConfig.num_attention_heads". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
