/**
 * Size caps on a transformer shape, whatever its source (zoo, Hugging Face config, explicit shape,
 * study axis): one request cannot make the graph builder or the cost model allocate without
 * bound. openapi.yaml states the same numbers as `maximum`.
 */
import { ModelInputError } from './errors.js';
import type { SpecSizeKey, TransformerSpec } from './transformer-spec.js';
import { SPEC_SIZE_KEYS } from './transformer-spec.js';

export const MODEL_LIMITS = {
  layers: 1000,
  hiddenSize: 131_072,
  heads: 4096,
  ffnHiddenSize: 1_048_576,
  vocabSize: 4_194_304,
  headDim: 16_384,
  maxPositionEmbeddings: 16_777_216,
} as const;

/** The cap of each spec size. */
export const SPEC_SIZE_LIMITS: Readonly<Record<SpecSizeKey, number>> = {
  numLayers: MODEL_LIMITS.layers,
  hiddenSize: MODEL_LIMITS.hiddenSize,
  numHeads: MODEL_LIMITS.heads,
  numKvHeads: MODEL_LIMITS.heads,
  headDim: MODEL_LIMITS.headDim,
  ffnHiddenSize: MODEL_LIMITS.ffnHiddenSize,
  vocabSize: MODEL_LIMITS.vocabSize,
  maxPositionEmbeddings: MODEL_LIMITS.maxPositionEmbeddings,
};

/**
 * @param field where the spec came from in the caller's input (e.g. `huggingFaceConfig`)
 * @throws ModelInputError naming the first size over its cap, with the value and the cap
 */
export function checkSpecLimits(spec: TransformerSpec, field: string): TransformerSpec {
  for (const key of SPEC_SIZE_KEYS) {
    const max = SPEC_SIZE_LIMITS[key];
    if (spec[key] > max) {
      throw new ModelInputError(field, `${key}=${spec[key]} exceeds the limit ${max}`, {
        [key]: spec[key],
        limit: max,
      });
    }
  }
  return spec;
}
