/**
 * Validation of a TransformerSpec (STYLE.md §7: value objects are validated on construction,
 * with messages that print the numbers involved).
 */
import { ModelInputError } from './errors.js';
import type { TransformerSpec } from './transformer-spec.js';
import { NORM_KINDS, POSITION_EMBEDDINGS, SPEC_SIZE_KEYS } from './transformer-spec.js';

/** Maps spec keys to the caller's own field names (e.g. numLayers -> "layers"). */
export type SpecFieldNames = Partial<Record<keyof TransformerSpec, string>>;

/**
 * Check a spec: every size a positive integer, numHeads divisible by numKvHeads, known enums.
 * @param fieldPrefix JSON path of the spec in the caller's input, used in error fields.
 * @throws ModelInputError naming the first invalid field.
 */
export function validateTransformerSpec(
  spec: TransformerSpec,
  fieldPrefix = 'transformer',
  fieldNames: SpecFieldNames = {},
): TransformerSpec {
  const field = (key: keyof TransformerSpec): string => `${fieldPrefix}.${fieldNames[key] ?? key}`;
  for (const key of SPEC_SIZE_KEYS) {
    const value = spec[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ModelInputError(field(key), `must be a positive integer, got ${String(value)}`);
    }
  }
  if (spec.numHeads % spec.numKvHeads !== 0) {
    throw new ModelInputError(
      field('numKvHeads'),
      `numHeads (${spec.numHeads}) must be divisible by numKvHeads (${spec.numKvHeads})`,
    );
  }
  if (!(POSITION_EMBEDDINGS as readonly string[]).includes(spec.positionEmbedding)) {
    throw new ModelInputError(
      field('positionEmbedding'),
      `must be 'learned', 'rotary' or 'alibi', got ${String(spec.positionEmbedding)}`,
    );
  }
  if (!(NORM_KINDS as readonly string[]).includes(spec.norm)) {
    throw new ModelInputError(
      field('norm'),
      `must be 'layernorm' or 'rmsnorm', got ${String(spec.norm)}`,
    );
  }
  return spec;
}

/**
 * Per-head dimension when the input does not give one: hiddenSize / numHeads, which must divide.
 * @throws ModelInputError on the heads field when hiddenSize is not a multiple of numHeads.
 */
export function defaultHeadDim(hiddenSize: number, numHeads: number, headsField: string): number {
  if (!Number.isSafeInteger(numHeads) || numHeads <= 0) {
    throw new ModelInputError(headsField, `must be a positive integer, got ${String(numHeads)}`);
  }
  if (hiddenSize % numHeads !== 0) {
    throw new ModelInputError(
      headsField,
      `hidden size (${hiddenSize}) must be divisible by the number of heads (${numHeads}) unless a head dimension is given`,
    );
  }
  return hiddenSize / numHeads;
}
