/** FLOP counts per optimizer step, for MFU (model FLOPs) and HFU (hardware FLOPs). */
import type { ModelGraph, OpNode } from '../graph/index.js';
import { CAUSAL_ATTENTION_FRACTION } from './compute.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import { DEFAULT_RECOMPUTE_MODULES } from './strategy.js';
import { recomputedBySelective } from './recompute-modules.js';

/**
 * Causal attention counts s²/2 of the score and context matmuls: Megatron-LM's
 * num_floating_point_operations halves them since 2025-03-06 (commit 8873b55d6a;
 * shared/context/moe_longctx.md §0.2), and a causal flash kernel skips the masked half.
 */
const opFlops = (op: OpNode): number =>
  op.kind === 'attention-scores' || op.kind === 'attention-context'
    ? op.forwardFlops * CAUSAL_ATTENTION_FRACTION
    : op.forwardFlops;

const sumForwardFlops = (ops: readonly OpNode[], include?: (op: OpNode) => boolean): number =>
  ops.reduce((sum, op) => sum + (include === undefined || include(op) ? opFlops(op) : 0), 0);

/**
 * Forward FLOPs of the whole model for one sequence (of the ops `include` accepts: default all):
 * dense layers and MoE layers (top-k routed plus shared experts: active FLOPs) each counted with
 * their own ops, multi-token-prediction layers and their head-side ops included, causal attention
 * at s²/2.
 */
export function forwardFlopsPerSequence(
  graph: ModelGraph,
  include?: (op: OpNode) => boolean,
): number {
  // Multi-token-prediction layers count like main layers of their kind (Megatron-LM
  // num_floating_point_operations adds mtp_num_layers transformer layers and output heads).
  const mtpMoe = graph.mtpLayerMask.filter(Boolean).length;
  const moeLayers = graph.moeLayerMask.filter(Boolean).length + mtpMoe;
  const denseLayers = graph.spec.numLayers + graph.mtpLayerMask.length - moeLayers;
  const dense = graph.denseLayerOps ?? graph.layerOps;
  return (
    sumForwardFlops(graph.preOps, include) +
    denseLayers * sumForwardFlops(dense, include) +
    (graph.moeLayerOps === null ? 0 : moeLayers * sumForwardFlops(graph.moeLayerOps, include)) +
    sumForwardFlops(graph.postOps, include)
  );
}

/**
 * Model FLOPs per step = 3 × forward (forward + 2× backward) × global batch; for a GPT this is
 * Korthikanti eq. (7) with the attention term halved for causal masking (Megatron's count):
 * 72·B·s·l·h²·(1 + s/(12h) + V/(12·l·h)).
 * @see Korthikanti et al. 2022, Eq. 7 (model FLOPs, no recompute); Chowdhery et al. 2022 App. B (MFU)
 */
export function modelFlopsPerStep(graph: ModelGraph, training: TrainingConfig): number {
  return 3 * forwardFlopsPerSequence(graph) * training.globalBatchSize;
}

/**
 * Hardware FLOPs: model FLOPs plus recomputed forward work. Full recompute of every layer adds
 * one layer forward (Narayanan eq. 3: 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h))); selective adds the
 * attention-core forward (Korthikanti §5).
 * @see Narayanan et al. SC'21 Eq. (3)
 */
export function hardwareFlopsPerStep(
  graph: ModelGraph,
  training: TrainingConfig,
  strategy: Strategy,
): number {
  const layerForward = sumForwardFlops(graph.layerOps);
  let recomputedPerSequence = 0;
  if (strategy.recompute === 'full') {
    const layersPerChunk = graph.spec.numLayers / (strategy.pp * strategy.virtualStages);
    const fraction =
      strategy.recomputeLayers === null
        ? 1
        : Math.min(1, strategy.recomputeLayers / layersPerChunk);
    recomputedPerSequence = fraction * graph.spec.numLayers * layerForward;
  } else if (strategy.recompute === 'selective') {
    const modules = strategy.recomputeModules ?? DEFAULT_RECOMPUTE_MODULES;
    const rerun = graph.layerOps.filter((op) => recomputedBySelective(modules, op));
    recomputedPerSequence = graph.spec.numLayers * sumForwardFlops(rerun);
  }
  return modelFlopsPerStep(graph, training) + recomputedPerSequence * training.globalBatchSize;
}
