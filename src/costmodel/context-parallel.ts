/**
 * Context parallelism (Megatron-Core CP; Liu et al. 2023 "Ring Attention"; Jacobs et al. 2023
 * "DeepSpeed Ulysses"): every op of a micro-batch is split over cp ranks along the sequence, and
 * attention exchanges keys and values. Megatron splits the sequence into 2·cp chunks and gives
 * rank i chunks i and 2cp−1−i, so causal work is balanced (megatron/core/utils.py
 * get_batch_on_this_cp_rank); ring-flash-attention measures 86% of ideal for this zigzag split
 * against 62% for a plain ring (feifeibear/long-context-attention @0228a2b, 8×H800).
 *
 * Per layer and micro-batch, with KV = b·(s/cp)·2·g_t·d·2 bytes (this rank's keys and values of
 * its g/tp KV heads) and Q, O = b·(s/cp)·(a/tp)·d·2 bytes:
 *  - p2p: cp−1 ring steps send KV forward; backward sends KV and dKV (2·KV). Each step overlaps
 *    one step of attention compute (TE AttnFuncWithCPAndKVP2P), paying the device's interference.
 *  - all-gather: forward all-gathers the cp·KV keys/values, backward reduce-scatters their
 *    gradients (TE AttnFuncWithCPAndKVAllGather); not overlapped.
 *  - a2a: forward all-to-alls Q, K, V before attention and O after (heads scattered, sequence
 *    gathered); backward the same volumes; not overlapped.
 */
import type { ClusterProfile } from '../hardware-profiles/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import { sendRecvSeconds } from './communication.js';
import type { GroupPlacement } from './groups.js';
import { groupAllGatherSeconds, groupAllToAllSeconds } from './groups.js';
import { overlappedSeconds } from './overlap.js';
import type { ContextParallelComm } from './strategy.js';

const ACTIVATION_BYTES = 2;

/** One layer's CP communication for one micro-batch, per pass: exposed and hidden seconds. */
export interface ContextParallelSeconds {
  readonly forwardExposed: number;
  readonly backwardExposed: number;
  readonly hidden: number;
}

export const NO_CONTEXT_PARALLEL: ContextParallelSeconds = {
  forwardExposed: 0,
  backwardExposed: 0,
  hidden: 0,
};

export interface ContextParallelInputs {
  readonly spec: TransformerSpec;
  readonly sequenceLength: number;
  readonly microBatchSize: number;
  readonly tp: number;
  readonly comm: ContextParallelComm;
  readonly group: GroupPlacement;
  readonly cluster: ClusterProfile;
  /** Attention-core forward seconds of one layer and micro-batch on this rank. */
  readonly attentionForwardSeconds: number;
}

/** Per-rank K+V bytes of one layer (MLA: the decompressed keys (dn + dr) and values (dv)). */
export function contextParallelKvBytes(
  x: Omit<ContextParallelInputs, 'comm' | 'group' | 'cluster' | 'attentionForwardSeconds'>,
  cp: number,
): number {
  const { spec } = x;
  const tokens = (x.microBatchSize * x.sequenceLength) / cp;
  const perToken =
    spec.mla === undefined
      ? 2 * spec.numKvHeads * spec.headDim
      : spec.numHeads * (spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim + spec.mla.vHeadDim);
  return (tokens * perToken * ACTIVATION_BYTES) / x.tp;
}

/** Per-rank bytes of one layer's queries (QK head dim) or attention output (V head dim). */
function headBytes(x: ContextParallelInputs, cp: number, which: 'query' | 'output'): number {
  const tokens = (x.microBatchSize * x.sequenceLength) / cp;
  const { spec } = x;
  const mla = spec.mla;
  const headDim =
    mla === undefined
      ? spec.headDim
      : which === 'query'
        ? mla.qkNopeHeadDim + mla.qkRopeHeadDim
        : mla.vHeadDim;
  return (tokens * spec.numHeads * headDim * ACTIVATION_BYTES) / x.tp;
}

/** Ring attention: cp steps, each overlapping one step's compute with one K/V transfer. */
function ringSeconds(
  x: ContextParallelInputs,
  bytesPerStep: number,
  computeSeconds: number,
  interference: number,
): { exposed: number; hidden: number } {
  const cp = x.group.size;
  const link = x.group.numNodes > 1 ? x.cluster.interNode : x.cluster.intraNode;
  const step = sendRecvSeconds(bytesPerStep, link);
  const perStepCompute = computeSeconds / cp;
  const total = perStepCompute + (cp - 1) * overlappedSeconds(perStepCompute, step, interference);
  const exposed = Math.max(0, total - computeSeconds);
  return { exposed, hidden: Math.max(0, (cp - 1) * step - exposed) };
}

/**
 * CP communication of one layer and micro-batch (file comment for the formulas).
 * @returns exposed forward / backward seconds and what the ring hid behind attention
 */
export function contextParallelSeconds(x: ContextParallelInputs): ContextParallelSeconds {
  const cp = x.group.size;
  if (cp <= 1) return NO_CONTEXT_PARALLEL;
  const kv = contextParallelKvBytes(x, cp);
  const interference = x.cluster.device.overlapInterferenceFraction;
  switch (x.comm) {
    case 'p2p': {
      const forward = ringSeconds(x, kv, x.attentionForwardSeconds, interference);
      // Backward attention costs 2× forward and moves KV plus its gradient.
      const backward = ringSeconds(x, 2 * kv, 2 * x.attentionForwardSeconds, interference);
      return {
        forwardExposed: forward.exposed,
        backwardExposed: backward.exposed,
        hidden: forward.hidden + backward.hidden,
      };
    }
    case 'all-gather': {
      const gather = groupAllGatherSeconds(kv * cp, x.group, x.cluster);
      return { forwardExposed: gather, backwardExposed: gather, hidden: 0 };
    }
    case 'a2a': {
      const pass =
        groupAllToAllSeconds(headBytes(x, cp, 'query') + kv, x.group, x.cluster) +
        groupAllToAllSeconds(headBytes(x, cp, 'output'), x.group, x.cluster);
      return { forwardExposed: pass, backwardExposed: pass, hidden: 0 };
    }
  }
}
