/**
 * One micro-batch's work through a whole pipeline, priced by the cost model's own layer costs:
 * what the search's step bound (bounds.ts) shares among the pp ranks. Every term is one that
 * estimate() charges to some rank's forward or backward (stage-time.ts chunkTimeSeconds).
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { numMoeLayers } from './parameters.js';
import { chunkTimeInputs } from './stage-cost-model.js';
import { slicedLayerCosts } from './stage-time.js';
import type { OpsTime } from './stage-time.js';
import type { Strategy, TrainingConfig } from './strategy.js';

/**
 * One micro-batch's forward + backward through the whole pipeline (every chunk, summed), seconds,
 * priced by the cost model's own layer costs (stage-time.ts chunkTimeSeconds), and the pieces the
 * recompute term needs. Every term is one estimate() charges to some rank's forward or backward:
 *  - math of every dense and MoE layer, the embedding side and the LM head;
 *  - TP collectives at the exposed share (--tp-comm-overlap hides the rest);
 *  - the context-parallel K/V exchange left exposed;
 *  - the MoE dispatch + combine, 2 per pass: all of it without overlap, and with overlap at least
 *    what the pass's compute cannot hide, max(0, k − c) ≤ overlapped(c, k) − c (overlap.ts: an
 *    overlapped pair never takes less than the longer of the two).
 */
export interface PipelineWork {
  /** Forward + backward of every chunk for one micro-batch, no recompute. */
  readonly seconds: number;
  /** Forward re-run of every layer under full recompute (its collectives and exchanges too). */
  readonly fullRecompute: number;
  /** The cheaper layer kind's full-recompute forward: what each recomputed layer adds at least. */
  readonly cheapestRecomputedLayer: number;
  /** Selective recompute of every layer (its modules; the MoE module re-runs its dispatch). */
  readonly selectiveRecompute: number;
  /** Forward + backward of the cheaper layer kind, communication included. */
  readonly cheapestLayer: number;
  /** Forward + backward of the LM head side (final norm, head, loss) and its TP collective. */
  readonly head: number;
}

export function pipelineWork(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
  s: Strategy,
): PipelineWork {
  const unrecomputed = { ...s, recompute: 'none' as const, recomputeLayers: 0 };
  const inputs = chunkTimeInputs(graph, cluster, unrecomputed, training);
  const costs = slicedLayerCosts(inputs, s.sequenceSlices);
  const share = inputs.tensorParallelExposedFraction;
  const cp = costs.comm.contextParallel;
  const moeLayers = costs.moeLayer === null ? 0 : numMoeLayers(graph);
  const denseLayers = graph.spec.numLayers - moeLayers;
  const math = (t: OpsTime): number => t.forward + t.backwardInput + t.backwardWeight;
  // A dense layer runs two TP collectives per pass (stage-time.ts collectivesPerLayerPerPass).
  const denseTp = 2 * costs.collective * share;
  const dense = math(costs.layer) + 2 * denseTp + cp.forwardExposed + cp.backwardExposed;
  const denseRecompute = costs.layer.forward + denseTp + cp.forwardExposed;
  let moe = 0;
  let moeRecompute = 0;
  let moeSelective = 0;
  if (costs.moeLayer !== null) {
    const t = costs.moeLayer;
    const tp = (inputs.moe?.tensorParallelCollectivesPerPass ?? 2) * costs.collective * share;
    const perPass = 2 * costs.comm.dispatch;
    const overlap = inputs.moe?.overlapAllToAll === true;
    const expertForward = overlap ? Math.max(0, perPass - t.forward) : perPass;
    const expertBackward = overlap
      ? Math.max(0, perPass - t.backwardInput - t.backwardWeight)
      : perPass;
    moe =
      math(t) + 2 * tp + expertForward + expertBackward + cp.forwardExposed + cp.backwardExposed;
    moeRecompute = t.forward + tp + expertForward + cp.forwardExposed;
    const moeModule = (s.recomputeModules ?? []).includes('moe');
    moeSelective = t.selectiveForward + (moeModule ? (expertForward + expertBackward) / 2 : 0);
  }
  // Vocab-parallel embedding and LM head: one TP collective each (stage-time.ts edgeForward).
  const head = math(costs.post) + costs.collective * share;
  const edges = math(costs.pre) + costs.collective * share + head;
  return {
    seconds: denseLayers * dense + moeLayers * moe + edges,
    fullRecompute: denseLayers * denseRecompute + moeLayers * moeRecompute,
    cheapestRecomputedLayer: Math.min(
      denseLayers > 0 ? denseRecompute : Number.POSITIVE_INFINITY,
      moeLayers > 0 ? moeRecompute : Number.POSITIVE_INFINITY,
    ),
    selectiveRecompute: denseLayers * costs.layer.selectiveForward + moeLayers * moeSelective,
    cheapestLayer: Math.min(
      denseLayers > 0 ? dense : Number.POSITIVE_INFINITY,
      moeLayers > 0 ? moe : Number.POSITIVE_INFINITY,
    ),
    head,
  };
}

/** pipelineWork memoised by everything it reads of the strategy. */
export function cachedPipelineWork(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
): (s: Strategy) => PipelineWork {
  const works = new Map<string, PipelineWork>();
  return (s) => {
    const key = `${s.tp}|${s.microBatchSize}|${s.sequenceParallel}|${s.sequenceSlices}|${s.cp}|${s.cpComm ?? ''}|${s.ep ?? 1}|${s.etp ?? 1}|${s.recomputeModules?.join(',') ?? ''}`;
    const cached = works.get(key);
    if (cached !== undefined) return cached;
    const computed = pipelineWork(graph, cluster, training, s);
    works.set(key, computed);
    return computed;
  };
}
