/**
 * Process-group placement and collective time on the cluster's two link tiers.
 *
 * Ranks follow Megatron-LM's default order (tp fastest, then dp, then pp: "tp-cp-ep-dp-pp" in
 * megatron/core/parallel_state.py), so a TP group is `tp` consecutive GPUs (inside one node when
 * tp ≤ GPUs per node), a DP group strides by tp and a PP group strides by tp·dp.
 */
import type { ClusterProfile } from '../hardware-profiles/index.js';
import {
  allReduceSeconds,
  allGatherSeconds,
  hierarchicalAllGatherSeconds,
  hierarchicalAllReduceSeconds,
  sendRecvSeconds,
} from './communication.js';

export interface GroupPlacement {
  readonly size: number;
  /** Group members that share one node. */
  readonly ranksPerNode: number;
  /** Nodes the group spans. */
  readonly numNodes: number;
}

/**
 * Where a group of `size` ranks, `stride` apart in global rank order, lands.
 * ranksPerNode = min(size, ⌊gpusPerNode / stride⌋) (at least 1); numNodes = ⌈size / ranksPerNode⌉.
 */
export function placeGroup(size: number, stride: number, gpusPerNode: number): GroupPlacement {
  const ranksPerNode = Math.max(1, Math.min(size, Math.floor(gpusPerNode / stride)));
  return { size, ranksPerNode, numNodes: Math.ceil(size / ranksPerNode) };
}

/** All-reduce of a per-rank buffer over a placed group: ring on one tier, hierarchical across two. */
export function groupAllReduceSeconds(
  payloadBytes: number,
  group: GroupPlacement,
  cluster: ClusterProfile,
): number {
  if (group.size <= 1) return 0;
  if (group.numNodes <= 1) return allReduceSeconds(payloadBytes, group.size, cluster.intraNode);
  if (group.ranksPerNode <= 1) return allReduceSeconds(payloadBytes, group.size, cluster.interNode);
  return hierarchicalAllReduceSeconds(
    payloadBytes,
    group.ranksPerNode,
    group.numNodes,
    cluster.intraNode,
    cluster.interNode,
  );
}

/** All-gather (= reduce-scatter) of a full tensor over a placed group. */
export function groupAllGatherSeconds(
  fullTensorBytes: number,
  group: GroupPlacement,
  cluster: ClusterProfile,
): number {
  if (group.size <= 1) return 0;
  if (group.numNodes <= 1) return allGatherSeconds(fullTensorBytes, group.size, cluster.intraNode);
  if (group.ranksPerNode <= 1)
    return allGatherSeconds(fullTensorBytes, group.size, cluster.interNode);
  return hierarchicalAllGatherSeconds(
    fullTensorBytes,
    group.ranksPerNode,
    group.numNodes,
    cluster.intraNode,
    cluster.interNode,
  );
}

/** Point-to-point between adjacent pipeline ranks: inside a node when the PP group does not leave it. */
export function pipelineSendRecvSeconds(
  payloadBytes: number,
  ppGroup: GroupPlacement,
  cluster: ClusterProfile,
): number {
  const link = ppGroup.numNodes <= 1 ? cluster.intraNode : cluster.interNode;
  return sendRecvSeconds(payloadBytes, link);
}
