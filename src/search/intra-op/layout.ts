/**
 * Sharding layouts on a 2-D logical device mesh, in Alpa's notation (Zheng et al. OSDI'22, §4.1):
 * one entry per tensor dim, `R` replicated, `S0` / `S1` sharded on mesh axis 0 / 1, `S01` on
 * both; e.g. "S0,R". Glossary: "axis" = mesh axis (0 = rows, 1 = cols), "dim" = tensor dimension.
 * Internally a dim's sharding is a bitmask of mesh axes: 0 = R, 1 = S0, 2 = S1, 3 = S01.
 */
import {
  allReduceSeconds,
  allGatherSeconds,
  allToAllSeconds,
  hierarchicalAllGatherSeconds,
  hierarchicalAllReduceSeconds,
} from '../../costmodel/index.js';
import type { LinkProfile } from '../../hardware-profiles/index.js';

/** [rows, cols]: devices along mesh axis 0 and axis 1. */
export type MeshShape = readonly [number, number];
/** Bitmask of mesh axes: bit 0 = axis 0, bit 1 = axis 1. */
export type AxisMask = 0 | 1 | 2 | 3;
/** One AxisMask per tensor dim. */
export type Layout = readonly AxisMask[];

/** The 2-D mesh and one link tier per mesh axis (axis 1 is the inner, usually intra-node axis). */
export interface MeshLinks {
  readonly mesh: MeshShape;
  readonly links: readonly [LinkProfile, LinkProfile];
}

const NAMES = ['R', 'S0', 'S1', 'S01'] as const;

/** "S0,R" notation of a layout. */
export function formatLayout(layout: Layout): string {
  return layout.map((m): string => NAMES[m]).join(',');
}

/** Devices spanned by an axis mask. */
export function axisDevices(mask: AxisMask, mesh: MeshShape): number {
  return (mask & 1 ? mesh[0] : 1) * (mask & 2 ? mesh[1] : 1);
}

/** Number of distinct shards of a tensor with this layout. */
export function layoutShards(layout: Layout, mesh: MeshShape): number {
  return layout.reduce<number>((p, m) => p * axisDevices(m, mesh), 1);
}

/**
 * A collective on the one mesh axis in `mask`: over the rows on link 0 (mask 1) or the columns on
 * link 1 (mask 2); 0 s for no axis. Both axes (mask 3) are each collective's own case.
 */
function onOneAxis(
  mask: Exclude<AxisMask, 3>,
  ml: MeshLinks,
  collective: (ranks: number, link: LinkProfile) => number,
): number {
  if (mask === 1) return collective(ml.mesh[0], ml.links[0]);
  if (mask === 2) return collective(ml.mesh[1], ml.links[1]);
  return 0;
}

/**
 * All-reduce over the mesh axes in `mask`: one ring on a single axis; on both axes the
 * hierarchical form (reduce-scatter on axis 1, all-reduce on axis 0, all-gather on axis 1).
 * @param payloadBytes per-device buffer bytes
 * @returns seconds
 * @see communication.ts allReduceSeconds / hierarchicalAllReduceSeconds
 */
export function allReduceOverAxes(payloadBytes: number, mask: AxisMask, ml: MeshLinks): number {
  const [rows, cols] = ml.mesh;
  if (mask === 3)
    return hierarchicalAllReduceSeconds(payloadBytes, cols, rows, ml.links[1], ml.links[0]);
  return onOneAxis(mask, ml, (ranks, link) => allReduceSeconds(payloadBytes, ranks, link));
}

/** All-gather over the axes in `mask` producing `fullBytes` per device (hierarchical on both axes). */
export function allGatherOverAxes(fullBytes: number, mask: AxisMask, ml: MeshLinks): number {
  const [rows, cols] = ml.mesh;
  if (mask === 3)
    return hierarchicalAllGatherSeconds(fullBytes, cols, rows, ml.links[1], ml.links[0]);
  return onOneAxis(mask, ml, (ranks, link) => allGatherSeconds(fullBytes, ranks, link));
}

/**
 * All-to-all over the axes in `mask`. On both axes it is costed as one all-to-all over
 * rows·cols ranks on the slower link (an upper bound; NCCL has no hierarchical all-to-all).
 */
export function allToAllOverAxes(payloadBytes: number, mask: AxisMask, ml: MeshLinks): number {
  const [rows, cols] = ml.mesh;
  if (mask === 3) {
    const [a, b] = ml.links;
    const slower =
      a.bandwidthBytesPerSecond * a.efficiency <= b.bandwidthBytesPerSecond * b.efficiency ? a : b;
    return allToAllSeconds(payloadBytes, rows * cols, slower);
  }
  return onOneAxis(mask, ml, (ranks, link) => allToAllSeconds(payloadBytes, ranks, link));
}
