/**
 * Lower bounds on a candidate's step time that cost a few multiplications, so the search can skip
 * node counts and candidates that cannot beat the incumbent without running the whole cost model.
 * They live beside estimate() and price layers with the same stage inputs, so a bound cannot
 * drift from what it bounds. Exact in the branch-and-bound sense: never above what estimate() or
 * the schedule simulation report for the same candidate (test/search/step-bound.test.ts checks
 * this on every candidate of several problems).
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import { peakFlopsPerSecond } from './compute.js';
import { dataParallelCommSeconds, optimizerStepSeconds } from './data-parallel.js';
import { placeGroup } from './groups.js';
import { forwardFlopsPerSequence } from './flops.js';
import { OPTIMIZER_BYTES_PER_PARAMETER, WEIGHT_BYTES_PER_PARAMETER } from './model-states.js';
import { totalParameters } from './parameters.js';
import { chunkTimeInputs } from './stage-cost-model.js';
import { slicedLayerCosts } from './stage-time.js';
import type { OpsTime } from './stage-time.js';
import type { Strategy, TrainingConfig } from './strategy.js';

/**
 * Matmul FLOPs of one training step: 3 × forward (backward = 2 × forward) × global batch.
 * Memory-bound ops are left out: they are timed by bytes, not FLOPs.
 * @see Narayanan et al. SC'21 §5.1; Korthikanti et al. 2022 Eq. 7
 */
function matmulFlopsPerStep(graph: ModelGraph, training: TrainingConfig): number {
  const perSequence = forwardFlopsPerSequence(graph, (op) => op.matmul !== null);
  return 3 * perSequence * training.globalBatchSize;
}

/**
 * The fastest any GPU of the cluster can run matmuls, FLOP/s: peak × the best point of the
 * device's efficiency curve (× the attention-kernel factor where that exceeds 1).
 * @see costmodel/compute.ts opForwardSeconds (time = flops / (peak · eff))
 */
function fastestMatmulFlopsPerSecond(cluster: ClusterProfile, training: TrainingConfig): number {
  const device = cluster.device;
  const bestEfficiency = Math.max(...device.matmulEfficiency.map((p) => p.efficiency));
  return (
    peakFlopsPerSecond(device, training.precision) *
    bestEfficiency *
    Math.max(1, device.attentionEfficiencyFactor)
  );
}

/**
 * Idle fraction a schedule cannot avoid, relative to the busiest rank's work: with the busiest
 * stage taking at least the average, 1F1B / GPipe take ≥ (m + p − 1)·avg and interleaved 1F1B
 * ≥ (v·m + p − 1)·avg-chunk (Narayanan et al. SC'21 §2.2 eq. for the bubble fraction (p−1)/m and
 * §2.2.1's (p−1)/(v·m)). Zero-bubble and slice-level schedules are bounded by 0.
 */
export function minimumBubbleFraction(s: Strategy): number {
  if (s.pp === 1) return 0;
  switch (s.schedule) {
    case 'gpipe':
    case '1f1b':
      return (s.pp - 1) / s.numMicroBatches;
    case 'interleaved-1f1b':
      return (s.pp - 1) / (s.virtualStages * s.numMicroBatches);
    case 'zb-h1':
    case 'zb-h2':
    case 'zb-v':
    case 'seq-slice-1f1b':
      return 0;
  }
}

export interface StepBoundOptions {
  /**
   * True when the search may evaluate a 'full' candidate with fewer recomputed layers than it
   * names (Megatron's --recompute-num-layers, search/evaluate.ts fewestRecomputedLayers): its
   * bound then claims no recompute. Otherwise a full recompute of every layer re-runs each
   * layer's forward and selective recompute its attention core (stage-time.ts chunkTimeSeconds
   * adds both to the backward pass), and the bound counts that math.
   */
  readonly fullRecomputeMayShrink?: boolean;
  /** False: claim no recompute at all (the bound before issue #13's recompute term). */
  readonly countRecompute?: boolean;
}

type RecomputedForward = 'none' | 'selective' | 'full';

/** The recomputation every layer of the candidate is sure to pay. */
function recomputedForward(s: Strategy, options: StepBoundOptions): RecomputedForward {
  if (options.countRecompute === false) return 'none';
  if (s.recompute === 'selective') return 'selective';
  if (
    s.recompute === 'full' &&
    s.recomputeLayers === null &&
    options.fullRecomputeMayShrink !== true
  )
    return 'full';
  return 'none';
}

/** Recompute math of one layer (no collectives: they only add). */
function recomputeSeconds(layer: OpsTime, recompute: RecomputedForward): number {
  switch (recompute) {
    case 'none':
      return 0;
    case 'selective':
      return layer.selectiveForward;
    case 'full':
      return layer.forward;
  }
}

/**
 * Lower bound on the step time of a strategy, seconds, built once per cluster and device (the
 * per-layer cost is cached by tensor-parallel degree, micro-batch size, SP and slices, none of
 * which depend on the node count):
 *   step ≥ m · (L / pp) · t_layer · (1 + minimum bubble fraction)
 * where t_layer is one transformer layer's forward + backward for one micro-batch on one GPU,
 * tensor-parallel collectives included, priced by the cost model's own layerCosts. The busiest
 * pipeline rank holds at least the average L/pp layers; everything else estimate() adds
 * (embedding and LM head, recompute, p2p, data-parallel sync, ZeRO gathers) only adds.
 * @see Narayanan et al. SC'21 §2.2 (1F1B: (m + p − 1) stage slots; interleaved: (v·m + p − 1))
 */
export function createStepBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
  options: StepBoundOptions = {},
): (s: Strategy) => number {
  const layerSeconds = new Map<string, number>();
  const perLayer = (s: Strategy): number => {
    const recompute = recomputedForward(s, options);
    const key = `${s.tp}|${s.microBatchSize}|${s.sequenceParallel}|${s.sequenceSlices}|${s.cp}|${s.cpComm ?? ''}|${s.ep ?? 1}|${s.etp ?? 1}|${recompute}|${s.recomputeModules?.join(',') ?? ''}`;
    const cached = layerSeconds.get(key);
    if (cached !== undefined) return cached;
    const unrecomputed = { ...s, recompute: 'none' as const, recomputeLayers: 0 };
    const inputs = chunkTimeInputs(graph, cluster, unrecomputed, training);
    const costs = slicedLayerCosts(inputs, s.sequenceSlices);
    const TP_COLLECTIVES_PER_LAYER = 4; // two in forward, two in backward (stage-time.ts)
    const dense =
      costs.layer.forward +
      costs.layer.backwardInput +
      costs.layer.backwardWeight +
      TP_COLLECTIVES_PER_LAYER * costs.collective +
      recomputeSeconds(costs.layer, recompute);
    // MoE models: the cheaper of a dense and an MoE layer (an MoE layer runs one TP collective
    // pair per pass, two with shared experts), so the bound stays below every layer mix.
    const moe =
      costs.moeLayer === null
        ? dense
        : costs.moeLayer.forward +
          costs.moeLayer.backwardInput +
          costs.moeLayer.backwardWeight +
          2 * (inputs.moe?.tensorParallelCollectivesPerPass ?? 2) * costs.collective +
          recomputeSeconds(costs.moeLayer, recompute);
    const seconds = Math.min(dense, moe);
    layerSeconds.set(key, seconds);
    return seconds;
  };
  const postSeconds = new Map<string, number>();
  const post = (s: Strategy): number => {
    const key = `${s.tp}|${s.dp}|${s.pp}|${s.zeroStage}|${s.cp}`;
    const cached = postSeconds.get(key);
    if (cached !== undefined) return cached;
    const seconds = postPipelineLowerBound(graph, cluster, training, s);
    postSeconds.set(key, seconds);
    return seconds;
  };
  return (s) =>
    ((s.numMicroBatches * graph.spec.numLayers) / s.pp) *
      perLayer(s) *
      (1 + minimumBubbleFraction(s)) +
    post(s);
}

/**
 * Lower bound on what estimate() adds after the pipeline drains (stage-cost-model.ts
 * postPipeline: the slowest rank's exposed gradient reduction plus the slowest rank's optimizer
 * step and exposed gather), seconds. The rank holding the most parameters holds at least the
 * average P = N / (tp · pp) (every parameter lives on some pipeline rank, at least 1/tp of it per
 * GPU), and collective and optimizer times grow with the parameters, so that rank's terms at P
 * bound it: its optimizer step over P / dp (ZeRO ≥ 1) or P local parameters, plus — ZeRO 0 and 1,
 * whose step-level reduction is one bucketed collective — the reduction left exposed: all of it
 * when it cannot overlap (DeepSpeed's pipeline engine, overlap off), else at least the
 * interference fraction of it (data-parallel.ts exposedDataParallelSeconds hides at most
 * everything but the last bucket, and charges that fraction of what it hides). The exposed
 * gather is ≥ 0 and left out.
 */
function postPipelineLowerBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
  s: Strategy,
): number {
  // MoE: routed experts split over ep·etp, not tp, so N / (tp · pp) can exceed every rank's
  // share; no post-pipeline term is claimed for them.
  if (graph.moeLayerOps !== null) return 0;
  const parameters = totalParameters(graph) / (s.tp * s.pp);
  const optimizer = optimizerStepSeconds(
    parameters / (s.zeroStage >= 1 ? s.dp : 1),
    cluster.device,
  );
  if (s.zeroStage >= 2) return optimizer;
  const comm = dataParallelCommSeconds({
    parametersPerGpu: parameters,
    // Placed at stride tp (≤ the estimate's tp·cp): a narrower stride never spans more nodes.
    group: placeGroup(s.dp, s.tp, cluster.gpusPerNode),
    zeroStage: s.zeroStage,
    pp: s.pp,
    training,
    cluster,
    units: 1,
    unitParameters: parameters,
  });
  const reduce = comm.reduceOverlaps
    ? cluster.device.overlapInterferenceFraction * comm.stepReduceSeconds
    : comm.stepReduceSeconds;
  return optimizer + reduce;
}

/** Lower bound for any strategy on every GPU of the cluster (no bubble), seconds. */
export function clusterSecondsLowerBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
): number {
  return (
    matmulFlopsPerStep(graph, training) /
    (worldSize(cluster) * fastestMatmulFlopsPerSecond(cluster, training))
  );
}

/**
 * True when the model states cannot fit on `gpus` GPUs however they are sharded: bf16 weights plus
 * fp32 Adam states (2 + 12 bytes per parameter, Rajbhandari et al. SC'20 §3.1) spread evenly over
 * every GPU already exceed one GPU's memory. Gradients, activations and the runtime reserve only
 * add, so no smaller cluster fits either.
 */
export function modelStatesCannotFit(graph: ModelGraph, cluster: ClusterProfile): boolean {
  const bytesPerGpu =
    (totalParameters(graph) * (WEIGHT_BYTES_PER_PARAMETER + OPTIMIZER_BYTES_PER_PARAMETER)) /
    worldSize(cluster);
  return bytesPerGpu > cluster.device.memoryBytes;
}
