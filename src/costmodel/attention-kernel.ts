/**
 * Flash-attention kernel speed against the key/value length one kernel call sees. Longer rows
 * give each tile more work between softmax rescalings and amortise the prologue: cuDNN SDPA with
 * DeepSeek-V3 shapes runs forward/backward at 553/422 TFLOP/s at 4K and 638/523 at 16K on
 * Hopper, 1324/1083 and 1698/1298 on Blackwell (Megatron-Core MoE report, arXiv 2603.07685,
 * Table 9). Weighted as a step runs them (one forward, a backward of twice the FLOPs),
 * 3 / (1/fwd + 2/bwd) is 458 → 557 TFLOP/s on Hopper (1.21×) and 1153 → 1408 on Blackwell
 * (1.22×) from 4K to 16K. The device profiles' attentionEfficiencyFactor was fitted on runs of
 * ≤ 4K tokens, so this is the speed-up over it, 1 up to 4K.
 */
import type { OpNode } from '../graph/index.js';

/** Key/value length up to which the device's attention factor holds as calibrated. */
export const ATTENTION_CALIBRATED_KEYS = 4096;
/** Key/value length from which kernels run at their long-sequence speed. */
export const ATTENTION_LONG_KEYS = 16384;
/** Long-sequence speed over the calibrated one (Table 9, Hopper 1.21×, Blackwell 1.22×). */
export const ATTENTION_LONG_SPEEDUP = 1.2;

/**
 * Speed-up of a flash-attention kernel whose rows hold `keys` keys: 1 up to 4K, 1.2 from 16K,
 * log-linear in between (Table 9 measures only the two ends).
 */
export function attentionLengthSpeedup(keys: number): number {
  if (keys <= ATTENTION_CALIBRATED_KEYS) return 1;
  if (keys >= ATTENTION_LONG_KEYS) return ATTENTION_LONG_SPEEDUP;
  const t =
    Math.log(keys / ATTENTION_CALIBRATED_KEYS) /
    Math.log(ATTENTION_LONG_KEYS / ATTENTION_CALIBRATED_KEYS);
  return 1 + t * (ATTENTION_LONG_SPEEDUP - 1);
}

/**
 * Keys one kernel call of an attention-core op sees: the sequence (scores m·n = s·s, context
 * k = s), over the context-parallel degree (ring attention runs one call per K/V chunk of s/cp).
 */
export function attentionKernelKeys(op: OpNode, cp: number): number {
  if (op.matmul === null) return 0;
  const keys = op.kind === 'attention-scores' ? op.matmul.n : op.matmul.k;
  return keys / Math.max(1, cp);
}
