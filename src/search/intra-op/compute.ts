/** Per-device compute time and state-size constants of the intra-op cost tables. */
import type { EfficiencyPoint } from '../../hardware-profiles/index.js';
import type { IntraOpContext } from './types.js';

/**
 * Bytes of training state per byte of a bf16 weight: mixed-precision Adam keeps 2 (bf16 weight)
 * + 2 (bf16 gradient) + 12 (fp32 master, momentum, variance) = 16 bytes per parameter = 8 × 2.
 * @see Rajbhandari et al. 2020, "ZeRO", §3.1 (16Ψ bytes for Ψ parameters)
 */
export const PARAMETER_STATE_BYTES_PER_WEIGHT_BYTE = 8;
/** Backward of a memory-bound op moves about twice the forward bytes (read dY and X, write dX). */
export const BACKWARD_BYTES_FACTOR = 2;

/** Piecewise-constant efficiency: the value of the last point with minSize ≤ size. */
export function efficiencyAt(curve: readonly EfficiencyPoint[], size: number): number {
  let value = curve[0]?.efficiency ?? 1;
  for (const p of curve) if (size >= p.minSize) value = p.efficiency;
  return value;
}

/**
 * GEMM-like compute seconds for `flops` on one device: flops / (peak_bf16 × efficiency(flops)).
 * @see Isaev et al. 2023, "Calculon", §4 (size-dependent GEMM efficiency)
 */
export function matmulSeconds(flops: number, ctx: IntraOpContext): number {
  if (flops <= 0) return 0;
  const peak = ctx.device.peakFlopsPerSecond.bf16 ?? 0;
  return flops / (peak * efficiencyAt(ctx.device.matmulEfficiency, flops));
}
