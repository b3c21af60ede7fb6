/**
 * Explicit transformer descriptions (the API's "transformer" input) → TransformerSpec.
 * Zoo lookups by id need the profile catalog and live with its callers.
 */
import { z } from 'zod';
import { ModelInputError } from './errors.js';
import type { SpecFieldNames } from './validate.js';
import { defaultHeadDim, validateTransformerSpec } from './validate.js';
import { MODEL_LIMITS } from './limits.js';
import type { MlaSpec, MoeSpec, TransformerSpec } from './transformer-spec.js';
import { NormKindSchema, PositionEmbeddingSchema } from './transformer-spec.js';

const positiveInt = (max: number) => z.int().min(1).max(max);
const nonNegativeInt = (max: number) => z.int().min(0).max(max);

/** The API's MoE block of an explicit transformer (defaults in the field comments). */
export const MoeInputSchema = z.strictObject({
  experts: positiveInt(MODEL_LIMITS.experts),
  topK: positiveInt(MODEL_LIMITS.topK),
  /** Default: the model's ffnHiddenSize. */
  expertFfnHiddenSize: positiveInt(MODEL_LIMITS.ffnHiddenSize).exactOptional(),
  /** Default: 0. */
  sharedExperts: nonNegativeInt(MODEL_LIMITS.topK).exactOptional(),
  /** Default: expertFfnHiddenSize. */
  sharedExpertFfnHiddenSize: positiveInt(MODEL_LIMITS.ffnHiddenSize).exactOptional(),
  /** Default: 0. */
  firstDenseLayers: nonNegativeInt(MODEL_LIMITS.layers).exactOptional(),
  /** Default: 1 (every layer after the dense ones). */
  layerInterval: positiveInt(MODEL_LIMITS.layers).exactOptional(),
});

/** The API's multi-head latent attention block (DeepSeek-V2/V3). */
export const MlaInputSchema = z.strictObject({
  /** Default: 0 (no query bottleneck). */
  qLoraRank: nonNegativeInt(MODEL_LIMITS.hiddenSize).exactOptional(),
  kvLoraRank: positiveInt(MODEL_LIMITS.hiddenSize),
  qkNopeHeadDim: positiveInt(MODEL_LIMITS.headDim),
  qkRopeHeadDim: nonNegativeInt(MODEL_LIMITS.headDim),
  vHeadDim: positiveInt(MODEL_LIMITS.headDim),
});

/**
 * The explicit transformer shape a caller writes (API `model.transformer`, study axes), with
 * long names and documented defaults; `specFromExplicitTransformer` turns it into a spec.
 */
export const TransformerInputSchema = z.strictObject({
  layers: positiveInt(MODEL_LIMITS.layers),
  hiddenSize: positiveInt(MODEL_LIMITS.hiddenSize),
  heads: positiveInt(MODEL_LIMITS.heads),
  /** Default: heads (multi-head attention). */
  kvHeads: positiveInt(MODEL_LIMITS.heads).exactOptional(),
  /** Default: 4·hiddenSize, or for gated MLPs 8h/3 rounded up to a multiple of 256. */
  ffnHiddenSize: positiveInt(MODEL_LIMITS.ffnHiddenSize).exactOptional(),
  vocabSize: positiveInt(MODEL_LIMITS.vocabSize),
  /** Default: false (GPT-style GeLU MLP). */
  gatedMlp: z.boolean().exactOptional(),
  /** Default: false. */
  tiedEmbeddings: z.boolean().exactOptional(),
  /** Default: hiddenSize / heads (must divide). */
  headDim: positiveInt(MODEL_LIMITS.headDim).exactOptional(),
  /** Default: 'rotary' when gated (Llama-style), else 'learned' (GPT-style). */
  positionEmbedding: PositionEmbeddingSchema.exactOptional(),
  /** Default: 2048 (GPT-3's context; only sizes the table of learned positions). */
  maxPositionEmbeddings: positiveInt(MODEL_LIMITS.maxPositionEmbeddings).exactOptional(),
  /** Default: 'rmsnorm' when gated, else 'layernorm'. */
  norm: NormKindSchema.exactOptional(),
  /** Default: false when gated, else true. */
  linearBias: z.boolean().exactOptional(),
  name: z.string().min(1).max(200).exactOptional(),
  /** Mixture-of-experts MLPs; absent = dense. */
  moe: MoeInputSchema.exactOptional(),
  /** Multi-head latent attention; absent = standard attention. */
  mla: MlaInputSchema.exactOptional(),
  /** Multi-token-prediction depths; absent = 0. */
  mtpLayers: z.int().min(0).max(MODEL_LIMITS.mtpLayers).exactOptional(),
});
export type ExplicitTransformerInput = z.output<typeof TransformerInputSchema>;

const PREFIX = 'transformer';
const DEFAULT_MAX_POSITION_EMBEDDINGS = 2048;
/** Llama reference model.py: ffn = multiple_of · ceil((2/3 · 4h) / multiple_of), multiple_of 256. */
const GATED_FFN_MULTIPLE = 256;

const FIELD_NAMES: SpecFieldNames = {
  numLayers: 'layers',
  numHeads: 'heads',
  numKvHeads: 'kvHeads',
  headDim: 'headDim',
  'moe.numExperts': 'moe.experts',
  'moe.numSharedExperts': 'moe.sharedExperts',
};

type MoeInput = z.output<typeof MoeInputSchema>;
type MlaInput = z.output<typeof MlaInputSchema>;

function moeFromInput(input: MoeInput, ffnHiddenSize: number): MoeSpec {
  const expertFfnHiddenSize = input.expertFfnHiddenSize ?? ffnHiddenSize;
  return {
    numExperts: input.experts,
    topK: input.topK,
    expertFfnHiddenSize,
    numSharedExperts: input.sharedExperts ?? 0,
    sharedExpertFfnHiddenSize:
      (input.sharedExperts ?? 0) > 0 ? (input.sharedExpertFfnHiddenSize ?? expertFfnHiddenSize) : 0,
    firstDenseLayers: input.firstDenseLayers ?? 0,
    layerInterval: input.layerInterval ?? 1,
  };
}

function mlaFromInput(input: MlaInput): MlaSpec {
  return {
    qLoraRank: input.qLoraRank ?? 0,
    kvLoraRank: input.kvLoraRank,
    qkNopeHeadDim: input.qkNopeHeadDim,
    qkRopeHeadDim: input.qkRopeHeadDim,
    vHeadDim: input.vHeadDim,
  };
}

/**
 * Default FFN width: 4h for a GeLU MLP (Vaswani 2017; GPT-3); for a gated MLP the Llama rule
 * 256·⌈(8h/3)/256⌉ (meta-llama/llama model.py FeedForward), which keeps ~the same parameters.
 */
export function defaultFfnHiddenSize(hiddenSize: number, gatedMlp: boolean): number {
  if (!gatedMlp) return 4 * hiddenSize;
  return GATED_FFN_MULTIPLE * Math.ceil((8 * hiddenSize) / 3 / GATED_FFN_MULTIPLE);
}

/** Explicit description → validated TransformerSpec (errors name "transformer.<input key>"). */
export function specFromExplicitTransformer(input: ExplicitTransformerInput): TransformerSpec {
  if (!Number.isSafeInteger(input.hiddenSize) || input.hiddenSize <= 0) {
    throw new ModelInputError(
      `${PREFIX}.hiddenSize`,
      `must be a positive integer, got ${String(input.hiddenSize)}`,
    );
  }
  const gatedMlp = input.gatedMlp ?? false;
  const ffnHiddenSize = input.ffnHiddenSize ?? defaultFfnHiddenSize(input.hiddenSize, gatedMlp);
  const spec: TransformerSpec = {
    name: input.name ?? 'custom-transformer',
    numLayers: input.layers,
    hiddenSize: input.hiddenSize,
    numHeads: input.heads,
    numKvHeads: input.kvHeads ?? input.heads,
    headDim: input.headDim ?? defaultHeadDim(input.hiddenSize, input.heads, `${PREFIX}.heads`),
    ffnHiddenSize,
    vocabSize: input.vocabSize,
    gatedMlp,
    tiedEmbeddings: input.tiedEmbeddings ?? false,
    positionEmbedding: input.positionEmbedding ?? (gatedMlp ? 'rotary' : 'learned'),
    maxPositionEmbeddings: input.maxPositionEmbeddings ?? DEFAULT_MAX_POSITION_EMBEDDINGS,
    norm: input.norm ?? (gatedMlp ? 'rmsnorm' : 'layernorm'),
    linearBias: input.linearBias ?? !gatedMlp,
    ...(input.moe === undefined ? {} : { moe: moeFromInput(input.moe, ffnHiddenSize) }),
    ...(input.mla === undefined ? {} : { mla: mlaFromInput(input.mla) }),
    ...((input.mtpLayers ?? 0) === 0 ? {} : { mtpLayers: input.mtpLayers }),
  };
  return validateTransformerSpec(spec, PREFIX, FIELD_NAMES);
}
