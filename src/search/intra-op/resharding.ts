/**
 * Resharding cost between a producer's output layout and a consumer's required input layout
 * (Alpa, OSDI'22 §4.2, "resharding costs R_uv"). Rules, per mesh axis a:
 *   - same dim (or absent) in both layouts: nothing moves;
 *   - absent in the source, present in the target: slice locally (free, "slice-free");
 *   - present in the source, absent in the target: all-gather over a;
 *   - on different dims: all-to-all over a.
 * Cost = all-to-all of the moved axes (per-device payload |T| / shards(source)) + all-gather of
 * the gathered axes (to |T| / shards after gathering) — sequential, an upper bound.
 * When training, the gradient flows back through the inverse resharding, so the edge costs
 * R(source→target) + R(target→source) (a forward gather is a backward slice and vice versa).
 */
import {
  allGatherOverAxes,
  allToAllOverAxes,
  axisDevices,
  layoutShards,
  type AxisMask,
  type Layout,
  type MeshLinks,
} from './layout.js';

function dimOfAxis(layout: Layout, axisBit: number): number {
  return layout.findIndex((m) => (m & axisBit) !== 0);
}

/** One-way resharding seconds of a tensor of `tensorBytes` bytes from `source` to `target`. */
export function reshardOneWaySeconds(
  tensorBytes: number,
  source: Layout,
  target: Layout,
  ml: MeshLinks,
): number {
  let moved = 0;
  let gathered = 0;
  for (const bit of [1, 2]) {
    const from = dimOfAxis(source, bit);
    const to = dimOfAxis(target, bit);
    if (from === to || from < 0) continue;
    if (to < 0) gathered |= bit;
    else moved |= bit;
  }
  const sourceShards = layoutShards(source, ml.mesh);
  const gatheredBytes = (tensorBytes / sourceShards) * axisDevices(gathered as AxisMask, ml.mesh);
  return (
    allToAllOverAxes(tensorBytes / sourceShards, moved as AxisMask, ml) +
    allGatherOverAxes(gatheredBytes, gathered as AxisMask, ml)
  );
}

/** Edge cost: one way for inference, both ways (forward + gradient) when training. */
export function reshardSeconds(
  tensorBytes: number,
  source: Layout,
  target: Layout,
  ml: MeshLinks,
  training: boolean,
): number {
  const forward = reshardOneWaySeconds(tensorBytes, source, target, ml);
  return training ? forward + reshardOneWaySeconds(tensorBytes, target, source, ml) : forward;
}
