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
import type { RecomputeMode } from './strategy.js';

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
}

/** Tokens of one micro-batch on one rank: b·s/cp. */
function localTokens(x: ActivationShape): number {
  return (x.sequenceLength * x.microBatchSize) / (x.contextParallel ?? 1);
}

/** Terms of one layer's activations that TP does not split (SP splits them by t). */
export function replicatedActivationBytesPerLayer(x: ActivationShape): number {
  const sbh = localTokens(x) * x.spec.hiddenSize;
  // Two layer-norm inputs (4sbh), QKV-projection input and MLP input (4sbh): Korthikanti §4.1.
  const normAndProjectionInputs = 8 * sbh;
  // Attention-output and MLP-output dropout masks, 1 byte each (2sbh): Korthikanti §4.1.
  const dropoutMasks = x.dropout ? 2 * sbh * DROPOUT_MASK_BYTES : 0;
  return normAndProjectionInputs + dropoutMasks;
}

/** Terms of one layer's activations split across the TP group (before dividing by t). */
export function tensorParallelActivationBytesPerLayer(x: ActivationShape): number {
  const { spec } = x;
  const sb = localTokens(x);
  const queryWidth =
    spec.numHeads * (spec.mla ? spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim : spec.headDim);
  const kvWidth = spec.mla
    ? (spec.numHeads * (spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim + spec.mla.vHeadDim)) / 2
    : spec.numKvHeads * spec.headDim;
  // Q and K for QKᵀ, V for the context matmul (Korthikanti: 4sbh + 2sbh), GQA-aware.
  const qkv = ACTIVATION_ELEMENT_BYTES * sb * (queryWidth + 2 * kvWidth);
  // Output-projection input (2sbh).
  const outProjInput = ACTIVATION_ELEMENT_BYTES * sb * queryWidth;
  // MLP: GeLU input and output 2·2sbf (=16sbh at f=4h); SwiGLU keeps gate, up and product (3·2sbf).
  const mlpTensors = spec.gatedMlp ? 3 : 2;
  const dense = mlpTensors * ACTIVATION_ELEMENT_BYTES * sb * spec.ffnHiddenSize;
  const moeShare = moeLayerShare(spec);
  const mlp = moeShare === 0 ? dense : (1 - moeShare) * dense + moeShare * moeMlpBytes(x, sb);
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
function moeMlpBytes(x: ActivationShape, sb: number): number {
  const { spec } = x;
  const moe = spec.moe;
  if (moe === undefined) return 0;
  const tensors = spec.gatedMlp ? 3 : 2;
  const routedRows = sb * moe.topK;
  const routed =
    ACTIVATION_ELEMENT_BYTES * routedRows * (spec.hiddenSize + tensors * moe.expertFfnHiddenSize);
  const router = 2 * 4 * sb * moe.numExperts;
  const shared =
    tensors * ACTIVATION_ELEMENT_BYTES * sb * moe.numSharedExperts * moe.sharedExpertFfnHiddenSize;
  return routed + router + shared;
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
  const core = x.recompute === 'selective' ? 0 : attentionCoreActivationBytesPerLayer(x) / x.tp;
  return replicated + split + core;
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
 * backward (4sbv/t; Megatron-LM core/tensor_parallel/cross_entropy.py:L25, L181).
 * @see Korthikanti et al. 2022 §4.3 (output layer terms); shared/context/framework_memory.md §1
 */
export function outputLayerActivationBytes(x: ActivationShape): number {
  const sb = localTokens(x);
  const spDivisor = x.sequenceParallel ? x.tp : 1;
  const normAndHeadInput = (2 * ACTIVATION_ELEMENT_BYTES * sb * x.spec.hiddenSize) / spDivisor;
  const LOGITS_BYTES = ACTIVATION_ELEMENT_BYTES + 4;
  const logits = (LOGITS_BYTES * sb * x.spec.vocabSize) / x.tp;
  return normAndHeadInput + logits;
}
