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
  allToAllSeconds,
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

/**
 * All-to-all of a per-rank buffer whose destinations are uniform over a placed group (MoE token
 * dispatch with one copy per selected expert, Ulysses head scatter): the (g−1)/n share for the
 * other ranks of the node crosses the scale-up fabric, the (n−g)/n share for other nodes the
 * per-GPU scale-out link, one after the other (NCCL's PXN routes cross-node data through the
 * rail-local GPU, so the tiers do not overlap).
 *   T = A2A_intra(S·g/n, g) + A2A_inter(S, N),  n = g·N
 * Checked against the Megatron-Core MoE report (arXiv 2603.07685) Table 7, H100 NCCL dispatch of
 * 4,096 × 8 × 7,168 BF16: 1.11 / 5.56 / 8.3 ms predicted vs 1.27 / 5.77 / 8.06 ms measured at EP
 * 8 / 16 / 32 (test/costmodel/moe-communication.test.ts).
 * @param payloadBytes per-rank send buffer, all destinations
 */
export function groupAllToAllSeconds(
  payloadBytes: number,
  group: GroupPlacement,
  cluster: ClusterProfile,
): number {
  if (group.size <= 1 || payloadBytes <= 0) return 0;
  const g = group.ranksPerNode;
  const intra = allToAllSeconds((payloadBytes * g) / group.size, g, cluster.intraNode);
  const inter = allToAllSeconds(payloadBytes, group.numNodes, cluster.interNode);
  return intra + inter;
}
