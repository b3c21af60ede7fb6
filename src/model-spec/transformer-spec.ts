/**
 * The transformer shape, declared once (issue #15): the zoo, Hugging Face configs, explicit API
 * shapes, studies and the cost model all speak this type. Names follow Megatron-LM / Hugging Face
 * config vocabulary; sizes are counts (layers, heads) or element counts (hidden, FFN, vocab).
 */
import { z } from 'zod';

export const POSITION_EMBEDDINGS = ['learned', 'rotary', 'alibi'] as const;
export const NORM_KINDS = ['layernorm', 'rmsnorm'] as const;
export type PositionEmbedding = (typeof POSITION_EMBEDDINGS)[number];
export type NormKind = (typeof NORM_KINDS)[number];

/** A dense decoder-only transformer, in the vocabulary of Megatron-LM / Hugging Face configs. */
export interface TransformerSpec {
  /** Zoo id or a descriptive name. */
  readonly name: string;
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly numHeads: number;
  /** Key/value heads (GQA/MQA); equals numHeads for multi-head attention. */
  readonly numKvHeads: number;
  /** Per-head dimension; usually hiddenSize / numHeads. */
  readonly headDim: number;
  readonly ffnHiddenSize: number;
  readonly vocabSize: number;
  /** SwiGLU/GeGLU style MLP with three weight matrices (gate, up, down). */
  readonly gatedMlp: boolean;
  /** Input embedding and LM head share one matrix. */
  readonly tiedEmbeddings: boolean;
  readonly positionEmbedding: PositionEmbedding;
  /** Learned position table size (only used when positionEmbedding = 'learned'). */
  readonly maxPositionEmbeddings: number;
  readonly norm: NormKind;
  /** Linear layers carry bias vectors (GPT-2/3, BLOOM, OPT) or not (Llama, MPT). */
  readonly linearBias: boolean;
}

/** The numeric sizes of a spec: each a positive integer, each capped by MODEL_LIMITS. */
export const SPEC_SIZE_KEYS = [
  'numLayers',
  'hiddenSize',
  'numHeads',
  'numKvHeads',
  'headDim',
  'ffnHiddenSize',
  'vocabSize',
  'maxPositionEmbeddings',
] as const satisfies readonly (keyof TransformerSpec)[];
export type SpecSizeKey = (typeof SPEC_SIZE_KEYS)[number];

/** zod gates for the two enums (profile files, API requests). */
export const PositionEmbeddingSchema = z.enum(POSITION_EMBEDDINGS);
export const NormKindSchema = z.enum(NORM_KINDS);

const positiveInteger = z.int().min(1);

/** The domain shape as a zod schema, for files that state every field (profiles/models/*.json). */
export const TransformerSpecSchema = z.strictObject({
  name: z.string().min(1),
  numLayers: positiveInteger,
  hiddenSize: positiveInteger,
  numHeads: positiveInteger,
  numKvHeads: positiveInteger,
  headDim: positiveInteger,
  ffnHiddenSize: positiveInteger,
  vocabSize: positiveInteger,
  gatedMlp: z.boolean(),
  tiedEmbeddings: z.boolean(),
  positionEmbedding: PositionEmbeddingSchema,
  maxPositionEmbeddings: positiveInteger,
  norm: NormKindSchema,
  linearBias: z.boolean(),
}) satisfies z.ZodType<TransformerSpec>;
