/**
 * Expert-parallel token dispatch and combine (one of each per MoE layer and pass; the backward
 * runs both again with the gradients): what each dispatcher moves, over which link tier.
 *
 * Notation: T tokens a rank dispatches per micro-batch (b·s/(tp·cp) under parallel folding), h
 * hidden size, B bytes per element, k top-k, E routed experts, n = ep ranks on N nodes of g.
 *  - 'alltoall' (NCCL all-to-all, Megatron MoEAlltoAllTokenDispatcher): every token is sent once
 *    per selected expert, destinations uniform: S = T·k·h·B per rank (groups.ts
 *    groupAllToAllSeconds: intra then inter tier).
 *  - 'deepep' / 'hybridep' (Megatron flex dispatcher): a token crosses the network once per
 *    destination node and NVLink once per destination GPU (DeepSeek-V3 report §3.2.2;
 *    DeepSpeed PR #8213: "once per destination rank" alone is worth 1.29×). Expected distinct
 *    destinations of k distinct experts among E split evenly over G groups:
 *      D(G) = G · (1 − C(E − E/G, k) / C(E, k)).
 *    Inter bytes T·h·B·D(N)·(N−1)/N, NVLink bytes T·h·B·D(n)·(n−1)/n; the two tiers pipeline
 *    (RDMA and NVLink forwarding overlap), so the slower one sets the time; one fused kernel
 *    writes every peer, so each tier pays FUSED_DISPATCH_ROUND_TRIPS latencies, not one per peer.
 *  - 'allgather': every rank gathers the EP group's tokens (S = n·T·h·B gathered) and
 *    reduce-scatters the outputs.
 * The busiest rank receives loadFactor × the balanced share; the collective ends with it.
 */
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { effectiveBandwidthBytesPerSecond } from './communication.js';
import type { GroupPlacement } from './groups.js';
import { groupAllGatherSeconds, groupAllToAllSeconds } from './groups.js';
import type { MoeDispatcher } from './strategy.js';

export interface ExpertDispatchInputs {
  /** Tokens this rank dispatches per micro-batch. */
  readonly tokens: number;
  readonly hiddenSize: number;
  readonly topK: number;
  readonly numExperts: number;
  /** Bytes per dispatched element (2 for BF16). */
  readonly bytesPerElement: number;
  readonly dispatcher: MoeDispatcher;
  /** Busiest rank's received tokens over the balanced share (1 = forced balance). */
  readonly loadFactor: number;
  readonly ep: GroupPlacement;
  /** Expert-tensor-parallel group: tokens are all-gathered over it after the dispatch. */
  readonly etp: GroupPlacement;
}

/**
 * Expected number of distinct groups hit by k distinct experts drawn uniformly from E experts
 * split evenly over G groups: G · (1 − Π_{i<k} (E − E/G − i) / (E − i)).
 * @see hypergeometric "no success" probability C(E − E/G, k) / C(E, k)
 */
export function expectedDistinctGroups(numExperts: number, topK: number, groups: number): number {
  if (groups <= 1) return Math.min(1, groups);
  const outside = numExperts - numExperts / groups;
  let miss = 1;
  for (let i = 0; i < topK; i++) miss *= Math.max(0, (outside - i) / (numExperts - i));
  return groups * (1 - miss);
}

/**
 * Round trips of a fused dispatch kernel: DeepEP / HybridEP first exchange the per-rank token
 * counts (notify_dispatch), then write every peer's rows in the same kernel, so a call pays two
 * link latencies, not one per peer as NCCL's send/recv pairs do (deep_ep buffer.py
 * get_dispatch_layout / dispatch; Megatron-Core report Table 7: HybridEP on NVL72 grows 391 →
 * 675 µs from EP8 to EP64 while NCCL's per-peer α-β fits its 735 → 930 µs).
 */
export const FUSED_DISPATCH_ROUND_TRIPS = 2;

/**
 * Seconds on one tier for `wireBytes` leaving each rank to its `ranks − 1` peers, all written by
 * one fused kernel: FUSED_DISPATCH_ROUND_TRIPS·α + wireBytes / (B·e).
 */
function tierSeconds(wireBytes: number, ranks: number, link: ClusterProfile['intraNode']): number {
  if (ranks <= 1 || wireBytes <= 0) return 0;
  return (
    FUSED_DISPATCH_ROUND_TRIPS * link.latencySeconds +
    wireBytes / effectiveBandwidthBytesPerSecond(link)
  );
}

/** Dedup dispatch (DeepEP / HybridEP): slower of the NVLink and network tiers. */
function dedupSeconds(x: ExpertDispatchInputs, cluster: ClusterProfile): number {
  const token = x.tokens * x.hiddenSize * x.bytesPerElement * x.loadFactor;
  const n = x.ep.size;
  const nodes = x.ep.numNodes;
  const gpus = expectedDistinctGroups(x.numExperts, x.topK, n);
  // Tokens reaching other GPUs cross NVLink once (directly, or forwarded after the network hop).
  const nvlinkPeers = Math.max(2, x.ep.ranksPerNode);
  const nvlink = tierSeconds((token * gpus * (n - 1)) / n, nvlinkPeers, cluster.intraNode);
  if (nodes <= 1) return nvlink;
  const remote = (expectedDistinctGroups(x.numExperts, x.topK, nodes) * (nodes - 1)) / nodes;
  return Math.max(nvlink, tierSeconds(token * remote, nodes, cluster.interNode));
}

/**
 * Seconds of ONE dispatch (a combine costs the same: the same bytes flow back) for one
 * micro-batch and one MoE layer, including the expert-tensor-parallel all-gather after it.
 * @returns seconds; 0 with ep = etp = 1 (experts local, only permutation)
 * @see file comment; Megatron-Core MoE report (arXiv 2603.07685) §4.2.1 and Table 7
 */
export function expertDispatchSeconds(x: ExpertDispatchInputs, cluster: ClusterProfile): number {
  const token = x.tokens * x.hiddenSize * x.bytesPerElement;
  let dispatch = 0;
  if (x.ep.size > 1) {
    switch (x.dispatcher) {
      case 'alltoall':
        dispatch = groupAllToAllSeconds(token * x.topK * x.loadFactor, x.ep, cluster);
        break;
      case 'deepep':
      case 'hybridep':
        dispatch = dedupSeconds(x, cluster);
        break;
      case 'allgather':
        dispatch = groupAllGatherSeconds(token * x.ep.size, x.ep, cluster);
        break;
    }
  }
  // ETP: the dispatched rows (k·T·load per rank) are gathered over the etp group.
  const gathered = token * x.topK * x.loadFactor * x.etp.size;
  return dispatch + groupAllGatherSeconds(gathered, x.etp, cluster);
}

/**
 * What an expert dispatch / combine overlapped with another micro-batch's compute (Megatron
 * --overlap-moe-expert-parallel-comm, merged FWD-BWD 1F1B) still costs, as the interference
 * fraction ι of overlappedSeconds (overlap.ts): max(c, k) + ι·min(c, k). The dispatch kernels
 * hold 20–24 SMs and stream every token through HBM beside the grouped GEMMs, so both slow down
 * far more than a TP collective's userbuffers do: the Megatron-Core report measures "roughly 20%
 * GEMM-efficiency overhead" from DeepEP's SMs alone (arXiv 2603.07685 §4.2), and the one
 * same-layout on/off pair (ModelZoo Qwen3-235B, 256 H100, EP32 DeepEP: 19.7 → 17.6 s,
 * shared/context/moe_longctx.md §B1) saves only about a third of the ~6 s of dispatch/combine:
 * ι ≈ 0.65. The device's generic interference applies when it is larger.
 */
export const EXPERT_OVERLAP_INTERFERENCE_FRACTION = 0.65;

/** Interference of an overlapped dispatch / combine on a device with generic interference ι. */
export function expertOverlapInterference(deviceInterferenceFraction: number): number {
  return Math.max(deviceInterferenceFraction, EXPERT_OVERLAP_INTERFERENCE_FRACTION);
}
