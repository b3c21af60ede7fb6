/**
 * Time of one pipeline chunk for one micro-batch on one GPU: forward, backward (split into the
 * input-gradient and weight-gradient parts for Zero Bubble schedules), recompute and the
 * tensor-parallel collectives on the critical path.
 */
import type { ModelGraph, OpNode } from '../graph/index.js';
import type { ClusterProfile, Precision } from '../hardware-profiles/index.js';
import type { OpShare } from './compute.js';
import {
  BACKWARD_TO_FORWARD_RATIO,
  opForwardSeconds,
  weightGradientFractionOfBackward,
} from './compute.js';
import type { ContextParallelSeconds } from './context-parallel.js';
import { NO_CONTEXT_PARALLEL } from './context-parallel.js';
import type { GroupPlacement } from './groups.js';
import { groupAllReduceSeconds } from './groups.js';
import { overlappedSeconds } from './overlap.js';
import { chunkMoeLayers } from './parameters.js';
import type { ChunkLayout } from './stages.js';
import type { RecomputeMode } from './strategy.js';

/** Attention-core ops, the part selective recomputation recomputes (Korthikanti 2022 §5). */
const ATTENTION_CORE_KINDS: ReadonlySet<OpNode['kind']> = new Set([
  'attention-scores',
  'attention-softmax',
  'attention-context',
]);

export interface ChunkTimeInputs {
  readonly graph: ModelGraph;
  readonly cluster: ClusterProfile;
  readonly precision: Precision;
  readonly share: OpShare;
  readonly tpGroup: GroupPlacement;
  readonly recompute: RecomputeMode;
  /** Layers of this chunk that are recomputed when recompute = 'full'. */
  readonly recomputedLayers: number;
  /**
   * Share of each TP collective left on the critical path (1 without --tp-comm-overlap); the
   * rest is hidden behind its GEMM at the cost of contention (tensorParallelOverlap below).
   */
  readonly tensorParallelExposedFraction: number;
  /** MoE layers' expert communication; absent for dense models. */
  readonly moe?: MoeLayerCommInputs;
  /** Context-parallel K/V exchange of one layer, given its attention-core forward seconds. */
  readonly contextParallel?: (attentionForwardSeconds: number) => ContextParallelSeconds;
}

/** What an MoE layer adds on the wire, per micro-batch (moe-communication.ts). */
export interface MoeLayerCommInputs {
  /** One dispatch (= one combine), ETP gather included. */
  readonly dispatchSeconds: number;
  /** Dispatch and combine overlapped with another micro-batch's compute. */
  readonly overlapAllToAll: boolean;
  /** TP collectives of an MoE layer per pass: attention's, and the shared experts' if any. */
  readonly tensorParallelCollectivesPerPass: number;
  readonly interferenceFraction: number;
}

/**
 * Transformer Engine userbuffers (Megatron --tp-comm-overlap): with sequence parallelism every
 * TP collective is an all-gather (ring_exchange with the column-parallel GEMM, tp splits: one of
 * t chunks stays exposed) paired with a reduce-scatter (pipelined with the row-parallel GEMM in 4
 * splits: one quarter stays exposed); what is hidden costs the device's overlap interference.
 *   exposed share = ((1/t + 1/4) / 2) · (1 − ι) + ι
 * @see TE transformer_engine/pytorch/module/base.py initialize_ub (ring_exchange, pipeline,
 *      bulk methods); shared/context/framework_memory.md §1 "--tp-comm-overlap"
 */
export function tensorParallelOverlapExposedFraction(tp: number, interference: number): number {
  const PIPELINE_SPLITS = 4;
  const residual = (1 / tp + 1 / PIPELINE_SPLITS) / 2;
  return residual * (1 - interference) + interference;
}

export interface ChunkTimeSeconds {
  readonly forward: number;
  readonly backwardInput: number;
  readonly backwardWeight: number;
  /** Recompute forward work, included in backwardInput. */
  readonly recompute: number;
  /** TP collectives left on the critical path, included in forward and backwardInput. */
  readonly tensorParallelComm: number;
  /** TP collectives hidden behind their GEMMs (--tp-comm-overlap). */
  readonly tensorParallelCommHidden: number;
  /** Expert dispatch / combine left on the critical path (in forward and backwardInput). */
  readonly expertParallelComm: number;
  readonly expertParallelCommHidden: number;
  /** Context-parallel K/V exchange left on the critical path (in forward and backwardInput). */
  readonly contextParallelComm: number;
  readonly contextParallelCommHidden: number;
  /** Pure math (forward + backward, no recompute, no comm). */
  readonly compute: number;
}

export interface OpsTime {
  readonly forward: number;
  readonly backwardInput: number;
  readonly backwardWeight: number;
  readonly attentionCoreForward: number;
}

function opsTime(ops: readonly OpNode[], x: ChunkTimeInputs): OpsTime {
  let forward = 0;
  let backwardInput = 0;
  let backwardWeight = 0;
  let attentionCoreForward = 0;
  for (const op of ops) {
    const f = opForwardSeconds(op, x.share, x.cluster.device, x.precision);
    const backward = f * BACKWARD_TO_FORWARD_RATIO;
    const weightPart = backward * weightGradientFractionOfBackward(op);
    forward += f;
    backwardWeight += weightPart;
    backwardInput += backward - weightPart;
    if (ATTENTION_CORE_KINDS.has(op.kind)) attentionCoreForward += f;
  }
  return { forward, backwardInput, backwardWeight, attentionCoreForward };
}

/**
 * Megatron TP collectives per layer and micro-batch: two all-reduces of the b·s·h activation in
 * forward (after the attention and MLP row-parallel GEMMs) and two in backward (for the inputs
 * of the column-parallel GEMMs); with sequence parallelism each becomes an all-gather plus a
 * reduce-scatter of the same tensor, which costs the same on a ring. With context parallelism a
 * rank holds s/cp tokens, so the tensor is b·(s/cp)·h.
 * @returns seconds for ONE of those collectives
 * @see Shoeybi et al. 2019 §3 (f/g operators); Korthikanti et al. 2022 §4.2.2
 */
export function tensorParallelCollectiveSeconds(x: ChunkTimeInputs): number {
  const tokens = (x.share.sequences * x.graph.sequenceLength) / (x.share.cp ?? 1);
  const activationBytes = tokens * x.graph.spec.hiddenSize * 2;
  return groupAllReduceSeconds(activationBytes, x.tpGroup, x.cluster);
}

/** Per-layer communication beside the TP collectives, per micro-batch and pass. */
export interface LayerComm {
  /** Context-parallel K/V exchange of every layer. */
  readonly contextParallel: ContextParallelSeconds;
  /** One expert dispatch (= combine) of an MoE layer; 0 for dense models. */
  readonly dispatch: number;
}

/** Op times of a dense and an MoE layer, the embedding and head sides, one TP collective. */
export interface LayerCosts {
  /** One dense layer (of layer 0 when every layer is MoE: then never charged). */
  readonly layer: OpsTime;
  /** One MoE layer; null for dense models. */
  readonly moeLayer: OpsTime | null;
  readonly pre: OpsTime;
  readonly post: OpsTime;
  readonly collective: number;
  readonly comm: LayerComm;
}

/** Computed once per estimate: every chunk is a multiple of these (layers of a kind are identical). */
export function layerCosts(x: ChunkTimeInputs): LayerCosts {
  const layer = opsTime(x.graph.denseLayerOps ?? x.graph.layerOps, x);
  const moeLayer = x.graph.moeLayerOps === null ? null : opsTime(x.graph.moeLayerOps, x);
  return {
    layer,
    moeLayer,
    pre: opsTime(x.graph.preOps, x),
    post: opsTime(x.graph.postOps, x),
    collective: tensorParallelCollectiveSeconds(x),
    comm: {
      contextParallel: x.contextParallel?.(layer.attentionCoreForward) ?? NO_CONTEXT_PARALLEL,
      dispatch: x.moe?.dispatchSeconds ?? 0,
    },
  };
}

/**
 * Costs of one micro-batch run as k sequence slices (seq-slice-1f1b): every op and collective is
 * priced at 1/k of the micro-batch's tokens — smaller GEMMs run at the lower efficiency their
 * size earns, each collective pays its latency k times — then summed over the k slices.
 * (Attention of slice j over j earlier slices averages to the full non-causal count we use.)
 * @see Li et al. 2021 "TeraPipe" §3 (token-level pipelining); MEPipe (EuroSys'25) §4
 */
export function slicedLayerCosts(x: ChunkTimeInputs, slices: number): LayerCosts {
  if (slices <= 1) return layerCosts(x);
  const perSlice = layerCosts({
    ...x,
    share: { ...x.share, sequences: x.share.sequences / slices },
  });
  const scale = (t: OpsTime): OpsTime => ({
    forward: t.forward * slices,
    backwardInput: t.backwardInput * slices,
    backwardWeight: t.backwardWeight * slices,
    attentionCoreForward: t.attentionCoreForward * slices,
  });
  const cp = perSlice.comm.contextParallel;
  return {
    layer: scale(perSlice.layer),
    moeLayer: perSlice.moeLayer === null ? null : scale(perSlice.moeLayer),
    pre: scale(perSlice.pre),
    post: scale(perSlice.post),
    collective: perSlice.collective * slices,
    comm: {
      contextParallel: {
        forwardExposed: cp.forwardExposed * slices,
        backwardExposed: cp.backwardExposed * slices,
        hidden: cp.hidden * slices,
      },
      dispatch: perSlice.comm.dispatch * slices,
    },
  };
}

/** One kind of layer's seconds per micro-batch: math, TP, expert and CP communication. */
interface LayerPass {
  readonly forward: number;
  readonly backwardInput: number;
  readonly tpForward: number;
  readonly tpHidden: number;
  readonly expertExposed: number;
  readonly expertHidden: number;
  readonly cpExposed: number;
  readonly cpHidden: number;
  /** Forward recomputed under full recompute (collectives and exchanges included). */
  readonly recomputeForward: number;
}

/**
 * One layer of a kind, per micro-batch. TP: `collectives` per pass at the exposed share. MoE:
 * dispatch + combine per pass; with overlap they run beside the layer's compute of another
 * micro-batch: overlapped(compute, comm) (overlap.ts, the device's interference).
 */
function layerPass(
  t: OpsTime,
  costs: LayerCosts,
  x: ChunkTimeInputs,
  collectives: number,
  moe: boolean,
): LayerPass {
  const share = x.tensorParallelExposedFraction;
  const tpAll = collectives * costs.collective;
  const cp = costs.comm.contextParallel;
  const expert = moe ? expertExposure(t, costs.comm.dispatch, x) : NO_EXPERT_EXPOSURE;
  const tpForward = tpAll * share;
  return {
    forward: t.forward + tpForward + expert.forward + cp.forwardExposed,
    backwardInput: t.backwardInput + tpForward + expert.backward + cp.backwardExposed,
    tpForward,
    tpHidden: 2 * tpAll * (1 - Math.min(1, share)),
    expertExposed: expert.forward + expert.backward,
    expertHidden: expert.hidden,
    cpExposed: cp.forwardExposed + cp.backwardExposed,
    cpHidden: cp.hidden,
    recomputeForward: t.forward + tpForward + expert.forward + cp.forwardExposed,
  };
}

const NO_EXPERT_EXPOSURE = { forward: 0, backward: 0, hidden: 0 };

/** Dispatch + combine per pass, exposed, or overlapped with a pass of compute. */
function expertExposure(
  t: OpsTime,
  dispatch: number,
  x: ChunkTimeInputs,
): { forward: number; backward: number; hidden: number } {
  const perPass = 2 * dispatch;
  if (x.moe === undefined || !x.moe.overlapAllToAll) {
    return { forward: perPass, backward: perPass, hidden: 0 };
  }
  const iota = x.moe.interferenceFraction;
  const backwardCompute = t.backwardInput + t.backwardWeight;
  const forward = overlappedSeconds(t.forward, perPass, iota) - t.forward;
  const backward = overlappedSeconds(backwardCompute, perPass, iota) - backwardCompute;
  return { forward, backward, hidden: Math.max(0, 2 * perPass - forward - backward) };
}

/** Forward/backward/recompute seconds of one chunk for one micro-batch. */
export function chunkTimeSeconds(
  chunk: ChunkLayout,
  x: ChunkTimeInputs,
  costs: LayerCosts = layerCosts(x),
): ChunkTimeSeconds {
  const { layer, collective } = costs;
  const pre = chunk.hasEmbedding ? costs.pre : null;
  const post = chunk.hasLmHead ? costs.post : null;
  const moeLayers = costs.moeLayer === null ? 0 : chunkMoeLayers(chunk, x.graph);
  const denseLayers = chunk.layers - moeLayers;
  const collectivesPerLayerPerPass = 2;
  const dense = layerPass(layer, costs, x, collectivesPerLayerPerPass, false);
  const moe =
    costs.moeLayer === null
      ? dense
      : layerPass(costs.moeLayer, costs, x, x.moe?.tensorParallelCollectivesPerPass ?? 2, true);
  const both = (pick: (p: LayerPass) => number): number =>
    denseLayers * pick(dense) + moeLayers * pick(moe);
  // Vocab-parallel embedding all-reduces its output in forward; the LM head's input gradient is
  // all-reduced in backward (Shoeybi et al. 2019 §3, "parallelizing the embedding").
  const share = x.tensorParallelExposedFraction;
  const edgeForward = (pre ? collective : 0) * share;
  const edgeBackward = (post ? collective : 0) * share;

  const recomputedLayers = Math.min(chunk.layers, x.recomputedLayers);
  let recompute = 0;
  if (x.recompute === 'full') {
    // Recomputed layers are taken dense-first in proportion (all layers of a kind cost the same).
    const fraction = chunk.layers === 0 ? 0 : recomputedLayers / chunk.layers;
    recompute = fraction * both((p) => p.recomputeForward);
  } else if (x.recompute === 'selective') {
    recompute =
      denseLayers * layer.attentionCoreForward +
      moeLayers * (costs.moeLayer ?? layer).attentionCoreForward;
  }
  const sum = (pick: (t: OpsTime) => number): number =>
    denseLayers * pick(layer) +
    moeLayers * pick(costs.moeLayer ?? layer) +
    (pre ? pick(pre) : 0) +
    (post ? pick(post) : 0);
  const forwardMath = sum((t) => t.forward);
  const backwardInputMath = sum((t) => t.backwardInput);
  const backwardWeight = sum((t) => t.backwardWeight);
  const tpLayers = both((p) => p.tpForward);
  const edgeHidden = ((pre ? 1 : 0) + (post ? 1 : 0)) * collective * (1 - Math.min(1, share));
  return {
    forward:
      both((p) => p.forward) + (pre ? pre.forward : 0) + (post ? post.forward : 0) + edgeForward,
    backwardInput:
      both((p) => p.backwardInput) +
      (pre ? pre.backwardInput : 0) +
      (post ? post.backwardInput : 0) +
      edgeBackward +
      recompute,
    backwardWeight,
    recompute,
    tensorParallelComm: 2 * tpLayers + edgeForward + edgeBackward,
    tensorParallelCommHidden: both((p) => p.tpHidden) + edgeHidden,
    expertParallelComm: both((p) => p.expertExposed),
    expertParallelCommHidden: both((p) => p.expertHidden),
    contextParallelComm: both((p) => p.cpExposed),
    contextParallelCommHidden: both((p) => p.cpHidden),
    compute: forwardMath + backwardInputMath + backwardWeight,
  };
}
