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
import type { GroupPlacement } from './groups.js';
import { groupAllReduceSeconds } from './groups.js';
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
 * reduce-scatter of the same tensor, which costs the same on a ring.
 * @returns seconds for ONE of those collectives
 * @see Shoeybi et al. 2019 §3 (f/g operators); Korthikanti et al. 2022 §4.2.2
 */
export function tensorParallelCollectiveSeconds(x: ChunkTimeInputs): number {
  const activationBytes = x.share.sequences * x.graph.sequenceLength * x.graph.spec.hiddenSize * 2;
  return groupAllReduceSeconds(activationBytes, x.tpGroup, x.cluster);
}

/** Op times of one layer, the embedding side and the head side, plus one TP collective. */
export interface LayerCosts {
  readonly layer: OpsTime;
  readonly pre: OpsTime;
  readonly post: OpsTime;
  readonly collective: number;
}

/** Computed once per estimate: every chunk is a multiple of these (all layers are identical). */
export function layerCosts(x: ChunkTimeInputs): LayerCosts {
  return {
    layer: opsTime(x.graph.layerOps, x),
    pre: opsTime(x.graph.preOps, x),
    post: opsTime(x.graph.postOps, x),
    collective: tensorParallelCollectiveSeconds(x),
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
  return {
    layer: scale(perSlice.layer),
    pre: scale(perSlice.pre),
    post: scale(perSlice.post),
    collective: perSlice.collective * slices,
  };
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
  const collectivesPerLayerPerPass = 2;
  // Vocab-parallel embedding all-reduces its output in forward; the LM head's input gradient is
  // all-reduced in backward (Shoeybi et al. 2019 §3, "parallelizing the embedding").
  const tpForwardAll =
    chunk.layers * collectivesPerLayerPerPass * collective + (pre ? collective : 0);
  const tpBackwardAll =
    chunk.layers * collectivesPerLayerPerPass * collective + (post ? collective : 0);
  const exposedShare = x.tensorParallelExposedFraction;
  const tpForward = tpForwardAll * exposedShare;
  const tpBackward = tpBackwardAll * exposedShare;

  const recomputedLayers = Math.min(chunk.layers, x.recomputedLayers);
  let recompute = 0;
  if (x.recompute === 'full') {
    recompute =
      recomputedLayers * (layer.forward + collectivesPerLayerPerPass * collective * exposedShare);
  } else if (x.recompute === 'selective') {
    recompute = chunk.layers * layer.attentionCoreForward;
  }
  const sum = (pick: (t: OpsTime) => number): number =>
    chunk.layers * pick(layer) + (pre ? pick(pre) : 0) + (post ? pick(post) : 0);
  const forwardMath = sum((t) => t.forward);
  const backwardInputMath = sum((t) => t.backwardInput);
  const backwardWeight = sum((t) => t.backwardWeight);
  return {
    forward: forwardMath + tpForward,
    backwardInput: backwardInputMath + tpBackward + recompute,
    backwardWeight,
    recompute,
    tensorParallelComm: tpForward + tpBackward,
    tensorParallelCommHidden: (tpForwardAll + tpBackwardAll) * (1 - Math.min(1, exposedShare)),
    compute: forwardMath + backwardInputMath + backwardWeight,
  };
}
