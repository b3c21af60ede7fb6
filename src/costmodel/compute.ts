/**
 * Compute time of operators on one GPU: matmuls by a size-dependent fraction of dense peak,
 * memory-bound ops by roofline on HBM bandwidth.
 */
import type { OpNode } from '../graph/index.js';
import type { DeviceProfile, Precision } from '../hardware-profiles/index.js';
import { attentionKernelKeys, attentionLengthSpeedup } from './attention-kernel.js';
import { efficiencyAt } from './efficiency.js';
import { FP8_CAST_BYTES_PER_ELEMENT, isFp8Gemm, sixteenBitPeakFlopsPerSecond } from './fp8.js';

/** Routed-expert layout of the GPU an op runs on (MoE layers). */
export interface ExpertShare {
  readonly ep: number;
  readonly etp: number;
  readonly numExperts: number;
  /** Tokens of the busiest EP rank over the balanced load (routing; 1 = forced balance). */
  readonly loadFactor: number;
}

/** What one GPU holds of an op: the number of sequences it processes and its TP/SP shares. */
export interface OpShare {
  /** Sequences processed per call (micro-batch size). */
  readonly sequences: number;
  /** Tensor-parallel degree; splits column/row/heads/vocab ops. */
  readonly tp: number;
  /** Sequence parallelism splits the otherwise replicated ops (norms, adds) by tp. */
  readonly sequenceParallel: boolean;
  /** Fused flash attention: scores, softmax and context run as one kernel; no s×s tensor in HBM. */
  readonly flashAttention: boolean;
  /** Dropout on attention probabilities (unfused attention writes and re-reads a mask). */
  readonly dropout: boolean;
  /** Context-parallel degree: each rank holds s/cp tokens of every sequence. Absent = 1. */
  readonly cp?: number;
  /** MoE layers: where the routed experts live. Absent = no expert ops. */
  readonly experts?: ExpertShare;
}

/**
 * Share of the full s×s score matrix a causal flash-attention kernel computes: it skips the
 * blocks above the diagonal (FlashAttention-2, Dao 2023 §3.1.1 "causal masking ... skip"), so
 * s²/2 of the work plus the diagonal blocks, negligible once s ≫ the 128-row block. Unfused
 * attention computes the whole matrix and masks it. Megatron-LM counts causal attention the same
 * way since 2025-03 (training.py num_floating_point_operations, shared/context/moe_longctx.md §0).
 */
export const CAUSAL_ATTENTION_FRACTION = 0.5;

const isAttentionCore = (op: OpNode): boolean =>
  op.kind === 'attention-scores' ||
  op.kind === 'attention-context' ||
  op.kind === 'attention-softmax';

/**
 * Unfused attention's softmax is followed by dropout: a mask write and a masked copy, i.e. the
 * s×s tensor crosses HBM about 2.5× as often as softmax alone (read+write → + mask + read+write).
 * @see Dao et al. 2022 "FlashAttention" §1 and Fig. 1 (standard attention's HBM traffic)
 */
const UNFUSED_DROPOUT_TRAFFIC_FACTOR = 2.5;

/** Fraction of an op one GPU executes under TP (+SP): 1/tp for split ops, else 1 (or 1/tp with SP). */
export function opWorkFraction(op: OpNode, share: OpShare): number {
  switch (op.tensorParallel) {
    case 'column':
    case 'row':
    case 'heads':
    case 'vocab':
      return 1 / share.tp;
    case 'replicated':
      return share.sequenceParallel ? 1 / share.tp : 1;
    case 'expert':
      // MoE parallel folding: the tp·cp·dp ranks of a stage share the routed tokens evenly
      // (sequence parallelism shards the MoE input, which Megatron requires with tp > 1).
      return (1 / share.tp) * (share.experts?.loadFactor ?? 1);
  }
}

/**
 * The peak the MFU is reported against: the training precision's (FP8 for fp8 runs); falls back
 * to the 16-bit peak where the device lacks the format (checkPrecisionSupported rejects that
 * before any estimate).
 */
export function peakFlopsPerSecond(device: DeviceProfile, precision: Precision): number {
  return device.peakFlopsPerSecond[precision] ?? sixteenBitPeakFlopsPerSecond(device);
}

/** GEMM FLOPs of one kernel launch, for the efficiency curve: one local expert's for MoE ops. */
function kernelFlops(op: OpNode, flops: number, share: OpShare): number {
  if (op.tensorParallel !== 'expert' || share.experts === undefined) return flops;
  return (flops * share.experts.ep) / share.experts.numExperts;
}

/** A GEMM's seconds on one GPU: FP8 GEMMs at the FP8 peak (plus their casts), others at 16 bits. */
function matmulSeconds(
  op: OpNode,
  flops: number,
  share: OpShare,
  device: DeviceProfile,
  precision: Precision,
): number {
  const fp8 = isFp8Gemm(op, precision);
  const isAttention = op.kind === 'attention-scores' || op.kind === 'attention-context';
  const kernelFactor =
    isAttention && share.flashAttention
      ? device.attentionEfficiencyFactor *
        attentionLengthSpeedup(attentionKernelKeys(op, share.cp ?? 1))
      : 1;
  const fp8Scale = fp8 ? (device.fp8MatmulEfficiencyScale ?? 1) : 1;
  const eff = efficiencyAt(device.matmulEfficiency, kernelFlops(op, flops, share));
  const peak = fp8 ? peakFlopsPerSecond(device, 'fp8') : sixteenBitPeakFlopsPerSecond(device);
  const gemm = flops / (peak * eff * kernelFactor * fp8Scale);
  if (!fp8 || op.matmul === null) return gemm;
  // Elements of the GEMM input this GPU quantises: flops = 2·(m·k·batch)·n for its share.
  const inputElements = flops / (2 * op.matmul.n);
  return gemm + memoryBoundSeconds(FP8_CAST_BYTES_PER_ELEMENT * inputElements, device);
}

function memoryBoundSeconds(bytes: number, device: DeviceProfile): number {
  if (bytes <= 0) return 0;
  return (
    bytes / (device.memoryBandwidthBytesPerSecond * efficiencyAt(device.memoryEfficiency, bytes))
  );
}

/**
 * Forward time of one op on one GPU.
 *  matmul-like: flops / (peak · eff(flops of one kernel launch)) [· attentionEfficiencyFactor ·
 *    the long-sequence speed-up (attention-kernel.ts) for flash attention, × CAUSAL_ATTENTION_FRACTION of the FLOPs with flash]; FP8 GEMMs at the FP8
 *    peak × fp8MatmulEfficiencyScale plus their input cast (fp8.ts); routed-expert GEMMs at the
 *    efficiency of one local expert's GEMM (grouped GEMM: E/ep GEMMs of that size);
 *  memory-bound: bytes / (HBM bandwidth · eff(bytes)).
 * Every op is divided by the context-parallel degree (each rank holds s/cp tokens; causal
 * attention is balanced across CP ranks by the 2·cp-chunk split).
 * @returns seconds
 * @see Isaev et al. 2023 "Calculon" §4 (compute time = flops / (peak·eff(size)));
 *      Williams et al. 2009 "Roofline" (memory-bound time = bytes / bandwidth)
 */
export function opForwardSeconds(
  op: OpNode,
  share: OpShare,
  device: DeviceProfile,
  precision: Precision,
): number {
  const causal = share.flashAttention && isAttentionCore(op) ? CAUSAL_ATTENTION_FRACTION : 1;
  const fraction = (opWorkFraction(op, share) * share.sequences * causal) / (share.cp ?? 1);
  if (op.matmul !== null)
    return matmulSeconds(op, op.forwardFlops * fraction, share, device, precision);
  if (op.kind === 'attention-softmax' && share.flashAttention) return 0;
  const trafficFactor =
    op.kind === 'attention-softmax' && share.dropout ? UNFUSED_DROPOUT_TRAFFIC_FACTOR : 1;
  return memoryBoundSeconds(op.forwardMemoryBytes * fraction * trafficFactor, device);
}

/**
 * Backward-to-forward cost ratio of an op: 2 for matmuls (input grad + weight grad, each one
 * forward-sized GEMM), 2 for attention core (dQ,dK from dS; dV, dP), 2 for memory-bound ops (read
 * the saved input and the incoming gradient, write the outgoing gradient).
 * @see Narayanan et al. SC'21 §5.1 ("backward pass ... twice the forward"); Kaplan et al. 2020 §2.1 (C ≈ 6N)
 */
export const BACKWARD_TO_FORWARD_RATIO = 2;

/** The weight-gradient share of a matmul's backward (one of its two GEMMs); 0 for ops without weights. */
export function weightGradientFractionOfBackward(op: OpNode): number {
  return op.parameterCount > 0 && op.matmul !== null ? 0.5 : 0;
}
