/**
 * FP8 training as Transformer Engine runs it (Micikevicius et al. 2022, "FP8 Formats for Deep
 * Learning"; TE docs "Using FP8 with Transformer Engine"): the linear layers of each transformer
 * layer run their GEMMs in FP8 with per-tensor (Hopper) or per-block (MXFP8, Blackwell) scales,
 * while attention's core, the router, the embedding and the LM head stay in BF16 (Megatron keeps
 * the output layer and DeepSeek-V3 keeps "embedding, output head, MoE gating, normalisation and
 * attention" in higher precision, shared/context/moe_longctx.md §B7).
 */
import type { OpNode } from '../graph/index.js';
import type { DeviceProfile, Precision } from '../hardware-profiles/index.js';
import { PlanningError } from './errors.js';

/** Op kinds whose GEMMs TE runs in FP8 (te.Linear / LayerNormLinear / GroupedLinear). */
const FP8_GEMM_KINDS: ReadonlySet<OpNode['kind']> = new Set([
  'qkv-proj',
  'out-proj',
  'mlp-up',
  'mlp-gate',
  'mlp-down',
]);

/** Whether `op` runs as an FP8 GEMM under `precision`. */
export function isFp8Gemm(op: OpNode, precision: Precision): boolean {
  return precision === 'fp8' && op.matmul !== null && FP8_GEMM_KINDS.has(op.kind);
}

/**
 * HBM bytes of quantising one element of an FP8 GEMM's input: TE's fused cast-transpose reads the
 * BF16 value (2 B) and writes the FP8 value and its FP8 transpose for the weight-gradient GEMM
 * (1 + 1 B); amax is reduced in the same kernel. The backward's output-gradient cast costs the
 * same per element and rides on the backward-to-forward ratio of 2.
 * @see TE transformer_engine/pytorch/cpp_extensions cast_transpose; Micikevicius et al. 2022 §4
 */
export const FP8_CAST_BYTES_PER_ELEMENT = 4;

/**
 * Extra weight bytes per parameter of an FP8 GEMM: TE caches the FP8 weight and its transpose
 * (1 + 1 B) next to the BF16 weight for the whole step (is_first_microbatch caching).
 * @see TE module/base.py get_weight_workspace; Megatron-Core MoE report (arXiv 2603.07685) §5.3
 */
export const FP8_WEIGHT_COPY_BYTES_PER_PARAMETER = 2;

/** The 16-bit dense peak (BF16, else FP16), FLOP/s. */
export function sixteenBitPeakFlopsPerSecond(device: DeviceProfile): number {
  const peak = device.peakFlopsPerSecond.bf16 ?? device.peakFlopsPerSecond.fp16;
  if (peak === undefined) throw new Error(`device ${device.id} has no 16-bit peak`);
  return peak;
}

/**
 * FP8 needs FP8 tensor cores: a device profile without an fp8 peak (A100, V100, A10, RTX 3090 …)
 * cannot train in fp8. PlanningError 'unsupported' (HTTP 422) naming the device.
 */
export function checkPrecisionSupported(device: DeviceProfile, precision: Precision): void {
  if (precision !== 'fp8' || device.peakFlopsPerSecond.fp8 !== undefined) return;
  throw new PlanningError(
    'unsupported',
    `training.precision: fp8 needs FP8 tensor cores, and ${device.id} (${device.name}) has none (its profile has no peakTflops.fp8); use bf16 or an FP8-capable GPU (H100, H200, H800, B200, GB200, L4, L40S, MI300X)`,
    'training.precision',
    { device: device.id, precision },
  );
}
