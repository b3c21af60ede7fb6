/**
 * Collective communication time, alpha-beta model per link tier.
 *
 * Conventions (NVIDIA nccl-tests doc/PERFORMANCE.md): `payloadBytes` is the per-rank buffer for
 * all-reduce and all-to-all, and the *full* (gathered) tensor for all-gather / reduce-scatter;
 * bandwidths are per GPU, per direction (NCCL "bus bandwidth" when multiplied by efficiency).
 * All functions return 0 for a group of one rank.
 */
import type { LinkProfile } from '../hardware-profiles/index.js';

/** Effective bus bandwidth of a link tier: wire rate × achieved efficiency (nccl-tests busbw). */
export function effectiveBandwidthBytesPerSecond(link: LinkProfile): number {
  return link.bandwidthBytesPerSecond * link.efficiency;
}

/**
 * The alpha-beta cost every collective below is written in: `steps` latency-bound hops (α each)
 * plus `busFactor`·S bytes through the link at its effective bandwidth, steps·α + f·S / (B·e).
 * @see Hockney 1994, "The communication challenge for MPP: Intel Paragon and Meiko CS-2" (the
 *      α + S/B model); nccl-tests doc/PERFORMANCE.md (each collective's bus-bandwidth factor f)
 */
function alphaBetaSeconds(
  steps: number,
  busFactor: number,
  payloadBytes: number,
  link: LinkProfile,
): number {
  return (
    steps * link.latencySeconds +
    (busFactor * payloadBytes) / effectiveBandwidthBytesPerSecond(link)
  );
}

/**
 * All-reduce on one tier: the faster of NCCL's ring and double-binary-tree algorithms.
 * @param payloadBytes per-rank buffer bytes (S)
 * @param numRanks n
 * @returns seconds, no overlap with compute
 */
export function allReduceSeconds(
  payloadBytes: number,
  numRanks: number,
  link: LinkProfile,
): number {
  if (numRanks <= 1 || payloadBytes <= 0) return 0;
  return Math.min(
    ringAllReduceSeconds(payloadBytes, numRanks, link),
    treeAllReduceSeconds(payloadBytes, numRanks, link),
  );
}

/**
 * Ring all-reduce: 2(n−1)·α + 2(n−1)/n · S / (B·e); its latency grows with the ring.
 * @see Thakur, Rabenseifner & Gropp 2005, "Optimization of Collective Communication Operations in
 *      MPICH", §4 (ring allreduce); nccl-tests doc/PERFORMANCE.md (busbw factor 2(n−1)/n)
 */
export function ringAllReduceSeconds(
  payloadBytes: number,
  numRanks: number,
  link: LinkProfile,
): number {
  return alphaBetaSeconds(2 * (numRanks - 1), (2 * (numRanks - 1)) / numRanks, payloadBytes, link);
}

/**
 * Double-binary-tree all-reduce, which NCCL picks when the ring's latency dominates (small
 * messages, thousands of ranks): a reduce up and a broadcast down a tree of depth ⌈log2 n⌉, each
 * rank sending and receiving the whole buffer once each way (two trees carry half each):
 *   2·⌈log2 n⌉·α + 2·S / (B·e)
 * The allReduceSeconds of a collective is the faster of ring and tree, as NCCL's tuner chooses.
 * @see Sanders, Speck & Träff 2009 "Two-tree algorithms for full bandwidth broadcast, reduction
 *      and scan"; NVIDIA NCCL 2.4 release notes (double binary trees for large scale)
 */
export function treeAllReduceSeconds(
  payloadBytes: number,
  numRanks: number,
  link: LinkProfile,
): number {
  const depth = Math.ceil(Math.log2(numRanks));
  return alphaBetaSeconds(2 * depth, 2, payloadBytes, link);
}

/**
 * Ring all-gather (or reduce-scatter, same cost) on one tier: (n−1)·α + (n−1)/n · S / (B·e).
 * @param fullTensorBytes bytes of the full, gathered tensor (S)
 * @returns seconds.
 * @see nccl-tests doc/PERFORMANCE.md (busbw factor (n−1)/n for AllGather/ReduceScatter)
 */
export function allGatherSeconds(
  fullTensorBytes: number,
  numRanks: number,
  link: LinkProfile,
): number {
  if (numRanks <= 1 || fullTensorBytes <= 0) return 0;
  return alphaBetaSeconds(numRanks - 1, (numRanks - 1) / numRanks, fullTensorBytes, link);
}

/** Reduce-scatter costs the same as all-gather of the same full tensor (nccl-tests PERFORMANCE.md). */
export function reduceScatterSeconds(
  fullTensorBytes: number,
  numRanks: number,
  link: LinkProfile,
): number {
  return allGatherSeconds(fullTensorBytes, numRanks, link);
}

/**
 * All-to-all: each rank sends (n−1)/n of its buffer: α·(n−1) + (n−1)/n · S / (B·e).
 * @param payloadBytes per-rank send buffer bytes
 * @see nccl-tests doc/PERFORMANCE.md (AlltoAll busbw factor (n−1)/n)
 */
export function allToAllSeconds(payloadBytes: number, numRanks: number, link: LinkProfile): number {
  if (numRanks <= 1 || payloadBytes <= 0) return 0;
  return alphaBetaSeconds(numRanks - 1, (numRanks - 1) / numRanks, payloadBytes, link);
}

/**
 * Point-to-point send/recv of one message: α + S / (B·e).
 * @see nccl-tests doc/PERFORMANCE.md (SendRecv busbw factor 1)
 */
export function sendRecvSeconds(payloadBytes: number, link: LinkProfile): number {
  if (payloadBytes <= 0) return 0;
  return alphaBetaSeconds(1, 1, payloadBytes, link);
}

/**
 * Hierarchical all-reduce over `ranksPerNode` GPUs in each of `numNodes` nodes: reduce-scatter
 * inside the node, all-reduce of the 1/ranksPerNode shard across nodes (one ring per local rank,
 * i.e. per NIC rail), all-gather inside the node.
 *   T = RS_intra(S) + AR_inter(S / g) + AG_intra(S)
 * @see Jia et al. 2018 "Highly Scalable Deep Learning Training System with Mixed-Precision" §3.3
 *      (hierarchical all-reduce); NCCL's ring is equivalent in bandwidth term when rails are used.
 */
export function hierarchicalAllReduceSeconds(
  payloadBytes: number,
  ranksPerNode: number,
  numNodes: number,
  intra: LinkProfile,
  inter: LinkProfile,
): number {
  if (numNodes <= 1) return allReduceSeconds(payloadBytes, ranksPerNode, intra);
  return (
    reduceScatterSeconds(payloadBytes, ranksPerNode, intra) +
    allReduceSeconds(payloadBytes / ranksPerNode, numNodes, inter) +
    allGatherSeconds(payloadBytes, ranksPerNode, intra)
  );
}

/**
 * Hierarchical all-gather (reduce-scatter is the mirror image): ranks with the same local index
 * gather their shards across nodes (a tensor of S/g per rail), then every node gathers S inside.
 *   T = AG_inter(S / g) + AG_intra(S). Same citation as hierarchicalAllReduceSeconds.
 */
export function hierarchicalAllGatherSeconds(
  fullTensorBytes: number,
  ranksPerNode: number,
  numNodes: number,
  intra: LinkProfile,
  inter: LinkProfile,
): number {
  if (numNodes <= 1) return allGatherSeconds(fullTensorBytes, ranksPerNode, intra);
  return (
    allGatherSeconds(fullTensorBytes / ranksPerNode, numNodes, inter) +
    allGatherSeconds(fullTensorBytes, ranksPerNode, intra)
  );
}
