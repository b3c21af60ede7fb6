/**
 * Explicit transformer descriptions (the API's "transformer" input) → TransformerSpec.
 * Zoo lookups by id need the profile catalog and live with its callers.
 */
import { ModelInputError } from './errors.js';
import type { SpecFieldNames } from './transformer-spec.js';
import { defaultHeadDim, validateTransformerSpec } from './transformer-spec.js';
import type { NormKind, PositionEmbedding, TransformerSpec } from './types.js';

export interface ExplicitTransformerInput {
  readonly layers: number;
  readonly hiddenSize: number;
  readonly heads: number;
  /** Default: heads (multi-head attention). */
  readonly kvHeads?: number;
  /** Default: 4·hiddenSize, or for gated MLPs 8h/3 rounded up to a multiple of 256. */
  readonly ffnHiddenSize?: number;
  readonly vocabSize: number;
  /** Default: false (GPT-style GeLU MLP). */
  readonly gatedMlp?: boolean;
  /** Default: false. */
  readonly tiedEmbeddings?: boolean;
  /** Default: hiddenSize / heads (must divide). */
  readonly headDim?: number;
  /** Default: 'rotary' when gated (Llama-style), else 'learned' (GPT-style). */
  readonly positionEmbedding?: PositionEmbedding;
  /** Default: 2048 (GPT-3's context; only sizes the table of learned positions). */
  readonly maxPositionEmbeddings?: number;
  /** Default: 'rmsnorm' when gated, else 'layernorm'. */
  readonly norm?: NormKind;
  /** Default: false when gated, else true. */
  readonly linearBias?: boolean;
  readonly name?: string;
}

const PREFIX = 'transformer';
const DEFAULT_MAX_POSITION_EMBEDDINGS = 2048;
/** Llama reference model.py: ffn = multiple_of · ceil((2/3 · 4h) / multiple_of), multiple_of 256. */
const GATED_FFN_MULTIPLE = 256;

const FIELD_NAMES: SpecFieldNames = {
  numLayers: 'layers',
  numHeads: 'heads',
  numKvHeads: 'kvHeads',
  headDim: 'headDim',
};

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
  const spec: TransformerSpec = {
    name: input.name ?? 'custom-transformer',
    numLayers: input.layers,
    hiddenSize: input.hiddenSize,
    numHeads: input.heads,
    numKvHeads: input.kvHeads ?? input.heads,
    headDim: input.headDim ?? defaultHeadDim(input.hiddenSize, input.heads, `${PREFIX}.heads`),
    ffnHiddenSize: input.ffnHiddenSize ?? defaultFfnHiddenSize(input.hiddenSize, gatedMlp),
    vocabSize: input.vocabSize,
    gatedMlp,
    tiedEmbeddings: input.tiedEmbeddings ?? false,
    positionEmbedding: input.positionEmbedding ?? (gatedMlp ? 'rotary' : 'learned'),
    maxPositionEmbeddings: input.maxPositionEmbeddings ?? DEFAULT_MAX_POSITION_EMBEDDINGS,
    norm: input.norm ?? (gatedMlp ? 'rmsnorm' : 'layernorm'),
    linearBias: input.linearBias ?? !gatedMlp,
  };
  return validateTransformerSpec(spec, PREFIX, FIELD_NAMES);
}
