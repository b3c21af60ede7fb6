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
  /** Routed experts per MoE layer (DeepSeek-V3 256, Kimi-K2 384; Megatron tests go to 1024). */
  experts: 4096,
  /** Experts per token. */
  topK: 64,
  /** Multi-token-prediction depths (DeepSeek-V3 trains 1; the paper's ablations go to 4). */
  mtpLayers: 8,
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
  const moe = spec.moe;
  if (moe !== undefined) {
    const caps = [
      ['moe.numExperts', moe.numExperts, MODEL_LIMITS.experts],
      ['moe.topK', moe.topK, MODEL_LIMITS.topK],
      ['moe.expertFfnHiddenSize', moe.expertFfnHiddenSize, MODEL_LIMITS.ffnHiddenSize],
      ['moe.numSharedExperts', moe.numSharedExperts, MODEL_LIMITS.topK],
      ['moe.sharedExpertFfnHiddenSize', moe.sharedExpertFfnHiddenSize, MODEL_LIMITS.ffnHiddenSize],
    ] as const;
    for (const [key, value, max] of caps) {
      if (value > max) {
        throw new ModelInputError(field, `${key}=${value} exceeds the limit ${max}`, {
          [key]: value,
          limit: max,
        });
      }
    }
  }
  if ((spec.mtpLayers ?? 0) > MODEL_LIMITS.mtpLayers) {
    throw new ModelInputError(
      field,
      `mtpLayers=${spec.mtpLayers} exceeds the limit ${MODEL_LIMITS.mtpLayers}`,
    );
  }
  const mla = spec.mla;
  if (mla !== undefined) {
    for (const key of [
      'qLoraRank',
      'kvLoraRank',
      'qkNopeHeadDim',
      'qkRopeHeadDim',
      'vHeadDim',
    ] as const) {
      if (mla[key] > MODEL_LIMITS.hiddenSize) {
        throw new ModelInputError(
          field,
          `mla.${key}=${mla[key]} exceeds the limit ${MODEL_LIMITS.hiddenSize}`,
        );
      }
    }
  }
  return spec;
}
