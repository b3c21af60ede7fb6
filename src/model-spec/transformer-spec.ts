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
  /** Mixture-of-experts MLPs (absent = every layer dense). See MoeSpec. */
  readonly moe?: MoeSpec;
  /** Multi-head latent attention (DeepSeek-V2/V3; absent = standard MHA/GQA). See MlaSpec. */
  readonly mla?: MlaSpec;
  /**
   * Multi-token-prediction depths trained beside the main model (DeepSeek-V3 §2.2; Megatron-LM
   * --mtp-num-layers; Hugging Face num_nextn_predict_layers); absent = 0. Each depth is one more
   * transformer layer (shaped like the last main layer) plus two RMSNorms, a 2h → h projection
   * and a pass through the shared output head and the loss (mtpLayerOps in the graph).
   */
  readonly mtpLayers?: number;
}

/**
 * Mixture-of-experts MLP (Shazeer et al. 2017; GShard; Switch): a router picks `topK` of
 * `numExperts` routed experts per token; shared experts (DeepSeekMoE, Qwen2-MoE, Llama 4) see
 * every token. Layer i (0-based) is an MoE layer when i ≥ firstDenseLayers and
 * (i − firstDenseLayers + 1) is a multiple of layerInterval (isMoeLayer); other layers keep the
 * dense MLP of width ffnHiddenSize. Vocabulary of Megatron-LM (--num-experts, --moe-router-topk,
 * --moe-ffn-hidden-size, --moe-shared-expert-intermediate-size, --moe-layer-freq) and Hugging Face
 * (num_local_experts / n_routed_experts / num_experts, num_experts_per_tok, moe_intermediate_size,
 * first_k_dense_replace, decoder_sparse_step, interleave_moe_layer_step).
 */
export interface MoeSpec {
  /** Routed experts per MoE layer (E). */
  readonly numExperts: number;
  /** Routed experts each token is sent to (k ≤ E). */
  readonly topK: number;
  /** FFN width of one routed expert (f_e); gated when the model's MLP is gated. */
  readonly expertFfnHiddenSize: number;
  /** Shared (always-active) experts per MoE layer; 0 = none. */
  readonly numSharedExperts: number;
  /** FFN width of ONE shared expert (Megatron's shared intermediate size = count × this). */
  readonly sharedExpertFfnHiddenSize: number;
  /** Leading dense layers (DeepSeek first_k_dense_replace). */
  readonly firstDenseLayers: number;
  /** After them, every layerInterval-th layer is MoE (Llama 4 Maverick: 2; usually 1). */
  readonly layerInterval: number;
}

/**
 * Multi-head latent attention (DeepSeek-V2 §2.1, arXiv 2405.04434): queries through a rank
 * `qLoraRank` bottleneck (0 = a full h → a·(dn + dr) projection), keys and values through a shared
 * `kvLoraRank` latent plus one decoupled RoPE key of `qkRopeHeadDim` per token. Head dims:
 * QK = qkNopeHeadDim + qkRopeHeadDim, V = vHeadDim. Hugging Face / Megatron names: q_lora_rank,
 * kv_lora_rank, qk_nope_head_dim (--qk-head-dim), qk_rope_head_dim (--qk-pos-emb-head-dim),
 * v_head_dim.
 */
export interface MlaSpec {
  readonly qLoraRank: number;
  readonly kvLoraRank: number;
  readonly qkNopeHeadDim: number;
  readonly qkRopeHeadDim: number;
  readonly vHeadDim: number;
}

/** Whether transformer layer `index` (0-based) has an MoE MLP (see MoeSpec). */
export function isMoeLayer(spec: Pick<TransformerSpec, 'moe'>, index: number): boolean {
  const moe = spec.moe;
  if (moe === undefined || index < moe.firstDenseLayers) return false;
  return (index - moe.firstDenseLayers + 1) % moe.layerInterval === 0;
}

/** Number of MoE layers of a spec (0 for a dense model). */
export function moeLayerCount(spec: Pick<TransformerSpec, 'moe' | 'numLayers'>): number {
  let count = 0;
  for (let i = 0; i < spec.numLayers; i++) if (isMoeLayer(spec, i)) count++;
  return count;
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
const nonNegativeInteger = z.int().min(0);

export const MoeSpecSchema = z.strictObject({
  numExperts: positiveInteger,
  topK: positiveInteger,
  expertFfnHiddenSize: positiveInteger,
  numSharedExperts: nonNegativeInteger,
  sharedExpertFfnHiddenSize: nonNegativeInteger,
  firstDenseLayers: nonNegativeInteger,
  layerInterval: positiveInteger,
}) satisfies z.ZodType<MoeSpec>;

export const MlaSpecSchema = z.strictObject({
  qLoraRank: nonNegativeInteger,
  kvLoraRank: positiveInteger,
  qkNopeHeadDim: positiveInteger,
  qkRopeHeadDim: nonNegativeInteger,
  vHeadDim: positiveInteger,
}) satisfies z.ZodType<MlaSpec>;

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
  moe: MoeSpecSchema.exactOptional(),
  mla: MlaSpecSchema.exactOptional(),
  mtpLayers: nonNegativeInteger.exactOptional(),
}) satisfies z.ZodType<TransformerSpec>;
