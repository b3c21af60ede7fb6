/**
 * Size-dependent efficiency curves (STYLE.md §15: efficiency is data, not code). The curves live in
 * profiles/devices/*.json; this file only reads them.
 */
import type { EfficiencyPoint } from '../hardware-profiles/index.js';

/**
 * Piecewise-constant lookup: the efficiency of the last point whose minSize ≤ size.
 * @param curve points sorted by ascending minSize (validated by the profile loader)
 * @param size FLOPs (matmul curve) or bytes (memory curve)
 * @returns a fraction in (0, 1]; the first point's value below the first threshold.
 * @see Isaev et al. 2023, "Calculon", §4 (gflops_efficiency / MB_efficiency step functions)
 */
export function efficiencyAt(curve: readonly EfficiencyPoint[], size: number): number {
  let value = curve[0]?.efficiency ?? 1;
  for (const point of curve) {
    if (size >= point.minSize) value = point.efficiency;
    else break;
  }
  return value;
}
