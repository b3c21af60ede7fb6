/**
 * Activation memory of one transformer layer for one micro-batch, following Korthikanti et al.
 * 2022, "Reducing Activation Recomputation in Large Transformer Models", §4 and Table 2.
 *
 * Korthikanti's per-layer terms (16-bit activations, 1-byte dropout masks), no parallelism:
 *   attention block 11sbh + 5as²b, MLP block 19sbh, two layer norms 4sbh  →  sbh(34 + 5as/h).
 * We keep the same terms but name each one so that GQA (fewer K/V heads), gated MLPs (SwiGLU),
 * models without dropout and flash attention are covered; with a = heads, d = head dim, a·d = h,
 * kv = a, f = 4h, dropout on and unfused attention the sum is exactly Korthikanti's closed forms:
 *   TP t:                 sbh(10 + 24/t + 5as/(ht))
 *   TP + SP:              sbh/t · (34 + 5as/h)
 *   TP + selective:       sbh(10 + 24/t)
 *   TP + SP + selective:  34·sbh/t
 *   full recompute:       2sbh (layer input only; /t with SP)
 */
import type { TransformerSpec } from '../model-spec/index.js';
import { moeLayerCount } from '../model-spec/index.js';
import type { RecomputeMode, RecomputeModule } from './strategy.js';
import { DEFAULT_RECOMPUTE_MODULES } from './strategy.js';
import { FP8_SAVED_INPUT_BYTES } from './fp8.js';

/** Bytes per 16-bit activation element. */
const ACTIVATION_ELEMENT_BYTES = 2;
/** Dropout masks are stored as one byte per element (Korthikanti 2022 §4.1). */
const DROPOUT_MASK_BYTES = 1;
/** Flash attention saves the fp32 log-sum-exp per query row and head (Dao et al. 2022, Alg. 2). */
const FLASH_LSE_BYTES = 4;

export interface ActivationShape {
  readonly spec: TransformerSpec;
  readonly sequenceLength: number;
  readonly microBatchSize: number;
  readonly tp: number;
  readonly sequenceParallel: boolean;
  readonly recompute: RecomputeMode;
  readonly flashAttention: boolean;
  readonly dropout: boolean;
  /**
   * Context-parallel degree: each rank keeps the activations of s/cp tokens (Megatron-Core CP
   * docs: "activation memory per GPU is CP times smaller"); absent = 1.
   */
  readonly contextParallel?: number;
  /** Submodules recomputed when recompute = 'selective'; absent = ['core_attn']. */
  readonly recomputeModules?: readonly RecomputeModule[];
  /**
   * FP8 training: Transformer Engine's FP8 linears keep their quantised input (1 B per element)
   * for the weight-gradient GEMM, not the 16-bit one (fp8.ts FP8_SAVED_INPUT_BYTES).
   */
  readonly fp8?: boolean;
}

/** Bytes per kept element of a tensor that is the input of a linear layer (FP8 GEMM or not). */
function gemmInputBytes(x: ActivationShape): number {
  return x.fp8 === true ? FP8_SAVED_INPUT_BYTES : ACTIVATION_ELEMENT_BYTES;
}

/** The submodules whose activations are not kept (empty unless recompute = 'selective'). */
function droppedModules(x: ActivationShape): ReadonlySet<RecomputeModule> {
  if (x.recompute !== 'selective') return new Set();
  return new Set(x.recomputeModules ?? DEFAULT_RECOMPUTE_MODULES);
}

/** Tokens of one micro-batch on one rank: b·s/cp. */
function localTokens(x: ActivationShape): number {
  return (x.sequenceLength * x.microBatchSize) / (x.contextParallel ?? 1);
}

/** Terms of one layer's activations that TP does not split (SP splits them by t). */
export function replicatedActivationBytesPerLayer(x: ActivationShape): number {
  const sbh = localTokens(x) * x.spec.hiddenSize;
  // Two layer-norm inputs (4sbh), QKV-projection input and MLP input (4sbh): Korthikanti §4.1.
  // Recompute module 'layernorm' drops the two norm outputs (the projection inputs); under FP8
  // TE's LayerNormLinear keeps them quantised.
  const normOutputs = droppedModules(x).has('layernorm') ? 0 : 2 * gemmInputBytes(x) * sbh;
  const normAndProjectionInputs = 4 * sbh + normOutputs;
  // Attention-output and MLP-output dropout masks, 1 byte each (2sbh): Korthikanti §4.1.
  const dropoutMasks = x.dropout ? 2 * sbh * DROPOUT_MASK_BYTES : 0;
  return normAndProjectionInputs + dropoutMasks;
}

/** Terms of one layer's activations split across the TP group (before dividing by t). */
export function tensorParallelActivationBytesPerLayer(x: ActivationShape): number {
  const { spec } = x;
  const sb = localTokens(x);
  const dropped = droppedModules(x);
  const queryWidth =
    spec.numHeads * (spec.mla ? spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim : spec.headDim);
  const kvWidth = spec.mla
    ? (spec.numHeads * (spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim + spec.mla.vHeadDim)) / 2
    : spec.numKvHeads * spec.headDim;
  // Q and K for QKᵀ, V for the context matmul (Korthikanti: 4sbh + 2sbh), GQA-aware.
  // Recompute module 'mla_up_proj' keeps only the latents (mlaLatentActivationBytes) instead.
  const upProjected = spec.mla !== undefined && dropped.has('mla_up_proj');
  const qkv = upProjected ? 0 : ACTIVATION_ELEMENT_BYTES * sb * (queryWidth + 2 * kvWidth);
  // Output-projection input (2sbh; 1 B per element under FP8).
  const outProjInput = gemmInputBytes(x) * sb * queryWidth;
  // MLP: GeLU input and output 2·2sbf (=16sbh at f=4h); SwiGLU keeps gate, up and product (3·2sbf).
  // Recompute module 'mlp' (dense layers) / 'moe' (MoE layers) keeps only the MLP's input.
  const dense = dropped.has('mlp') ? 0 : sb * mlpBytesPerRow(x, spec.ffnHiddenSize);
  const moeShare = moeLayerShare(spec);
  const moe = dropped.has('moe') ? 0 : moeMlpBytes(x, sb, dropped);
  const mlp = moeShare === 0 ? dense : (1 - moeShare) * dense + moeShare * moe;
  return qkv + outProjInput + mlp;
}

/** Share of the layers that are MoE (0 for dense models). */
function moeLayerShare(spec: ActivationShape['spec']): number {
  return spec.moe === undefined ? 0 : moeLayerCount(spec) / spec.numLayers;
}

/**
 * An MoE layer's MLP activations before dividing by t (sequence parallelism shards the routed
 * tokens over TP; folding spreads them over ETP·EP, the same share): the k·sb permuted expert
 * inputs (2 B·h each) and the expert GEMM tensors (gate, up, product: 3·2 B·f_e per routed row;
 * 2 without gating), the router's fp32 logits and probabilities (2·4 B·E per token), and the
 * shared experts as a dense MLP of their width. Forced-balance routing (dropless runs peak higher
 * while the router is untrained, shared/context/moe_longctx.md §B2).
 * @see Megatron-LM PR #4687 / Megatron-Bridge PR #3910 memory estimator (per-tensor MoE terms)
 */
function moeMlpBytes(
  x: ActivationShape,
  sb: number,
  dropped: ReadonlySet<RecomputeModule>,
): number {
  const { spec } = x;
  const moe = spec.moe;
  if (moe === undefined) return 0;
  // Recompute module 'moe_act' drops the experts' activation output (the down-projection input).
  const perRow = mlpBytesPerRow(x, moe.expertFfnHiddenSize, dropped.has('moe_act'));
  const routed = sb * moe.topK * (ACTIVATION_ELEMENT_BYTES * spec.hiddenSize + perRow);
  const router = 2 * 4 * sb * moe.numExperts;
  // Recompute module 'shared_experts' keeps only their input (the layer's norm output).
  const shared = dropped.has('shared_experts')
    ? 0
    : sb * mlpBytesPerRow(x, moe.numSharedExperts * moe.sharedExpertFfnHiddenSize);
  return routed + router + shared;
}

/**
 * One token row's kept MLP tensors of width f: the up-projection output(s) the activation's
 * backward reads (gate and up for SwiGLU, the GeLU input otherwise; 16-bit) and the activation
 * output, the down-projection's input (16-bit, or FP8 under FP8; dropped by `actRecomputed`).
 */
function mlpBytesPerRow(x: ActivationShape, width: number, actRecomputed = false): number {
  const upOutputs = (x.spec.gatedMlp ? 2 : 1) * ACTIVATION_ELEMENT_BYTES;
  return width * (upOutputs + (actRecomputed ? 0 : gemmInputBytes(x)));
}

/**
 * The attention-core term (split by TP): unfused attention stores softmax output (2as²b), its
 * dropout mask (as²b) and dropout output (2as²b) = 5as²b (Korthikanti §4.1); without dropout only
 * the softmax output (2as²b). Flash attention stores only the log-sum-exp (4·a·s·b bytes).
 */
export function attentionCoreActivationBytesPerLayer(x: ActivationShape): number {
  const asb = x.spec.numHeads * localTokens(x);
  if (x.flashAttention) return FLASH_LSE_BYTES * asb;
  const perScore = x.dropout
    ? 2 * ACTIVATION_ELEMENT_BYTES + DROPOUT_MASK_BYTES
    : ACTIVATION_ELEMENT_BYTES;
  // With CP a rank's (s/cp) queries score against all s keys.
  return perScore * asb * x.sequenceLength;
}

/**
 * Activation bytes one GPU keeps for one layer and one in-flight micro-batch.
 *  none:      R/(SP ? t : 1) + (T + A)/t
 *  selective: R/(SP ? t : 1) + T/t            (attention core recomputed, Korthikanti §5)
 *  full:      2sbh/(SP ? t : 1)               (only the layer input is kept, Korthikanti §5)
 * @returns bytes
 * @see Korthikanti et al. 2022, Table 2 and §4–5, https://arxiv.org/abs/2205.05198
 */
export function activationBytesPerLayer(x: ActivationShape): number {
  const spDivisor = x.sequenceParallel ? x.tp : 1;
  if (x.recompute === 'full') {
    const layerInput = ACTIVATION_ELEMENT_BYTES * localTokens(x) * x.spec.hiddenSize;
    return layerInput / spDivisor;
  }
  const replicated = replicatedActivationBytesPerLayer(x) / spDivisor;
  const split = tensorParallelActivationBytesPerLayer(x) / x.tp;
  const dropped = droppedModules(x);
  const core = dropped.has('core_attn') ? 0 : attentionCoreActivationBytesPerLayer(x) / x.tp;
  const latents = dropped.has('mla_up_proj') ? mlaLatentActivationBytes(x) / spDivisor : 0;
  return replicated + split + core + latents;
}

/**
 * MLA's compressed latents, the inputs of the up-projections that recompute module
 * 'mla_up_proj' keeps in place of the decompressed Q, K and V: the normed query latent
 * (q_lora) and KV latent (kv_lora) plus the shared RoPE key (d_r), 16-bit, per token.
 * @see Megatron-LM multi_latent_attention.py (recompute_up_proj checkpoints the up-projections)
 */
function mlaLatentActivationBytes(x: ActivationShape): number {
  const mla = x.spec.mla;
  if (mla === undefined) return 0;
  const width = mla.qLoraRank + mla.kvLoraRank + mla.qkRopeHeadDim;
  return gemmInputBytes(x) * localTokens(x) * width;
}

/**
 * Extra activations of the first pipeline stage: the embedding output and its dropout mask
 * (Korthikanti §4.3: "sbhp" terms, p = dropout mask bytes), /t with SP.
 */
export function embeddingActivationBytes(x: ActivationShape): number {
  const sbh = localTokens(x) * x.spec.hiddenSize;
  const spDivisor = x.sequenceParallel ? x.tp : 1;
  return (sbh * (x.dropout ? DROPOUT_MASK_BYTES : 0) + ACTIVATION_ELEMENT_BYTES * sbh) / spDivisor;
}

/**
 * Extra activations of the last stage: final-norm input (2sbh, /t with SP), LM-head input
 * (2sbh/t with SP, else 2sbh), and the logits near the loss, split over the vocabulary by TP: the
 * 16-bit logits (2sbv/t) and the fp32 copy the vocab-parallel cross entropy makes and saves for
 * backward (4sbv/t; Megatron-LM core/tensor_parallel/cross_entropy.py:L25, L181); once more per
 * multi-token-prediction depth.
 * @see Korthikanti et al. 2022 §4.3 (output layer terms); shared/context/framework_memory.md §1
 */
export function outputLayerActivationBytes(x: ActivationShape): number {
  const sb = localTokens(x);
  const spDivisor = x.sequenceParallel ? x.tp : 1;
  const normAndHeadInput = (2 * ACTIVATION_ELEMENT_BYTES * sb * x.spec.hiddenSize) / spDivisor;
  const LOGITS_BYTES = ACTIVATION_ELEMENT_BYTES + 4;
  // Each multi-token-prediction depth computes and keeps its own logits and loss before the main
  // head's (Megatron-LM multi_token_prediction.py process_mtp_loss), and its own head input.
  const heads = 1 + (x.spec.mtpLayers ?? 0);
  const logits = (LOGITS_BYTES * sb * x.spec.vocabSize) / x.tp;
  return heads * (normAndHeadInput + logits);
}
