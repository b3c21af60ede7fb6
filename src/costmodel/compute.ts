/**
 * Compute time of operators on one GPU: matmuls by a size-dependent fraction of dense peak,
 * memory-bound ops by roofline on HBM bandwidth.
 */
import type { OpNode } from '../graph/index.js';
import type { DeviceProfile, Precision } from '../hardware-profiles/index.js';
import { efficiencyAt } from './efficiency.js';

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
}

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
  }
}

/** Dense peak for the training precision; fp8 GEMMs fall back to bf16 where fp8 is absent. */
export function peakFlopsPerSecond(device: DeviceProfile, precision: Precision): number {
  const peak =
    device.peakFlopsPerSecond[precision] ??
    device.peakFlopsPerSecond.bf16 ??
    device.peakFlopsPerSecond.fp16;
  if (peak === undefined) throw new Error(`device ${device.id} has no 16-bit peak`);
  return peak;
}

/**
 * Forward time of one op on one GPU.
 *  matmul-like: flops / (peak · eff(flops of the (batched) kernel launch)) [· attentionEfficiencyFactor for attention];
 *  memory-bound: bytes / (HBM bandwidth · eff(bytes)).
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
  const fraction = opWorkFraction(op, share) * share.sequences;
  if (op.matmul !== null) {
    const flops = op.forwardFlops * fraction;
    const isAttention = op.kind === 'attention-scores' || op.kind === 'attention-context';
    const kernelFactor = isAttention && share.flashAttention ? device.attentionEfficiencyFactor : 1;
    const eff = efficiencyAt(device.matmulEfficiency, flops) * kernelFactor;
    return flops / (peakFlopsPerSecond(device, precision) * eff);
  }
  if (op.kind === 'attention-softmax' && share.flashAttention) return 0;
  const trafficFactor =
    op.kind === 'attention-softmax' && share.dropout ? UNFUSED_DROPOUT_TRAFFIC_FACTOR : 1;
  const bytes = op.forwardMemoryBytes * fraction * trafficFactor;
  if (bytes <= 0) return 0;
  const eff = efficiencyAt(device.memoryEfficiency, bytes);
  return bytes / (device.memoryBandwidthBytesPerSecond * eff);
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
