/**
 * The user-facing failure of model ingestion (STYLE.md §8): an invalid model description.
 */
import { FieldInputError } from '../base/index.js';

/**
 * A model description (HF config, explicit transformer, spec) that is missing or invalid; its
 * field is the JSON path of the offending value, e.g. "huggingFaceConfig.num_attention_heads".
 */
export class ModelInputError extends FieldInputError {
  override readonly name = 'ModelInputError';
}
