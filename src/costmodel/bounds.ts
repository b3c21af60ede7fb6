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
import type { PipelineWork } from './pipeline-work.js';
import { cachedPipelineWork } from './pipeline-work.js';
import type { ScheduleKind, Strategy, TrainingConfig } from './strategy.js';

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
   * bound then claims one recomputed layer per chunk, the fewest the bisection picks. Otherwise a
   * full recompute of every layer re-runs each layer's forward and selective recompute its
   * modules (stage-time.ts chunkTimeSeconds adds both to the backward pass), and the bound counts
   * that.
   */
  readonly fullRecomputeMayShrink?: boolean;
  /** False: claim no recompute at all (the bound before issue #13's recompute term). */
  readonly countRecompute?: boolean;
}

/**
 * Lower bound on the pipeline's makespan, seconds, given only W = one micro-batch's work summed
 * over all pp ranks (their split unknown: uneven layer splits make ranks differ). Every rank
 * runs its m micro-batches serially, so the busiest takes ≥ m·W/p. Schedules whose backward runs
 * whole (GPipe, 1F1B) add more: rank r cannot start before micro-batch 1's forward has passed
 * ranks 0..r−1 and, after its last backward, ranks r−1..0 still run theirs, so
 *   makespan ≥ max_r (m·t_r + Σ_{q<r} t_q),
 * whose least value over all splits with Σ t_r = W sets every term equal:
 *   T = W / (1 − (1 − 1/m)^p)   (= m·W for p = 1, W for m = 1; ≈ half the uniform bubble),
 * and the last rank's term alone is (m − 1)·t_{p−1} + W, with t_{p−1} at least its layers at the
 * cheaper kind's cost plus the LM head (`lastRank`, when the split is known).
 * Interleaved 1F1B: the same argument over chunks, each ≥ the smallest chunk's layers c, and a
 * relaxation without t_r ≥ 0 gives T ≥ m·W/p + (p − 1)·c/2. Both are below the closed forms
 * (pipeline.ts: (m − 1)·max + Σ, and m·max + (Σ − max)/v ≥ (m + (p − 1)/v)·avg) and below the
 * simulated schedules (test/search/step-bound.test.ts). Zero-bubble and slice schedules: m·W/p.
 */
function makespanLowerBound(
  s: Pick<Strategy, 'pp' | 'numMicroBatches' | 'schedule' | 'layersPerStage' | 'virtualStages'>,
  work: number,
  cheapestLayer: number,
  numLayers: number,
  lastRank = 0,
): number {
  const m = s.numMicroBatches;
  const p = s.pp;
  if (p === 1) return m * work;
  switch (s.schedule) {
    case 'gpipe':
    case '1f1b':
      // 1 − (1 − 1/m)^p without cancellation for large m.
      return Math.max(work / -Math.expm1(p * Math.log1p(-1 / m)), work + (m - 1) * lastRank);
    case 'interleaved-1f1b':
      return (m * work) / p + ((p - 1) * smallestChunkLayers(s, numLayers) * cheapestLayer) / 2;
    case 'zb-h1':
    case 'zb-h2':
    case 'zb-v':
    case 'seq-slice-1f1b':
      return (m * work) / p;
  }
}

/** Transformer layers of the last chunk (the LM head's), an even split when layersPerStage is null. */
function lastChunkLayers(s: Strategy, numLayers: number): number {
  if (s.layersPerStage === null) return numLayers / (s.pp * s.virtualStages);
  return s.layersPerStage.at(-1) ?? 0;
}

/** Transformer layers of the smallest chunk (an even split when layersPerStage is null). */
function smallestChunkLayers(
  s: Pick<Strategy, 'pp' | 'layersPerStage' | 'virtualStages'>,
  numLayers: number,
): number {
  if (s.layersPerStage === null) return numLayers / (s.pp * s.virtualStages);
  return Math.min(...s.layersPerStage);
}

/**
 * Relative slack for floating-point summation order: the bound adds the same terms as estimate()
 * in another order, and is exact for some shapes (one stage, no exposed communication).
 */
const ROUNDING_SLACK = 1e-9;

/** Chunks holding at least one transformer layer. */
function nonEmptyChunks(s: Strategy, numLayers: number): number {
  if (s.layersPerStage === null) return Math.min(s.pp * s.virtualStages, numLayers);
  return s.layersPerStage.reduce((n, layers) => n + (layers > 0 ? 1 : 0), 0);
}

/**
 * Recompute every candidate is sure to pay per micro-batch, seconds (stage-time.ts adds it to the
 * backward pass). Full recompute of every layer re-runs each layer's forward with its
 * collectives; a 'full' candidate the search may shrink (search/evaluate.ts
 * fewestRecomputedLayers bisects over [1, layers per chunk]: N = 0 is the 'none' candidate)
 * still recomputes at least one layer of every chunk that has one; selective recompute re-runs
 * its modules. A pinned layer count claims nothing.
 */
function recomputeSeconds(
  s: Strategy,
  work: PipelineWork,
  numLayers: number,
  options: StepBoundOptions,
): number {
  if (options.countRecompute === false) return 0;
  if (s.recompute === 'selective') return work.selectiveRecompute;
  if (s.recompute !== 'full' || s.recomputeLayers !== null) return 0;
  if (options.fullRecomputeMayShrink !== true) return work.fullRecompute;
  return nonEmptyChunks(s, numLayers) * work.cheapestRecomputedLayer;
}

/**
 * Lower bound on the step time of a strategy, seconds, built once per cluster and device (the
 * pipeline's work is cached by tensor-parallel degree, micro-batch size, SP, slices and the CP
 * and expert degrees, none of which depend on the node count):
 *   step ≥ m · (W / pp) · (1 + minimum bubble fraction) + post-pipeline floor
 * where W is one micro-batch's forward + backward through every chunk (pipelineWork), plus the
 * recompute it is sure to pay. The pp ranks share W, so the busiest holds at least W / pp; the
 * closed forms are ≥ (m + p − 1)·avg (1F1B: (m − 1)·max + Σ) and ≥ (m + (p − 1)/v)·avg
 * (interleaved: m·max + (Σ − max)/v), zero-bubble ones ≥ m·max. Everything else estimate() adds
 * (p2p, data-parallel sync, ZeRO gathers) only adds.
 * @see Narayanan et al. SC'21 §2.2 (1F1B: (m + p − 1) stage slots; interleaved: (v·m + p − 1))
 */
export function createStepBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
  options: StepBoundOptions = {},
): (s: Strategy) => number {
  const work = cachedPipelineWork(graph, cluster, training);
  const postSeconds = new Map<string, number>();
  const post = (s: Strategy): number => {
    const key = `${s.tp}|${s.dp}|${s.pp}|${s.zeroStage}|${s.cp}`;
    const cached = postSeconds.get(key);
    if (cached !== undefined) return cached;
    const seconds = postPipelineLowerBound(graph, cluster, training, s);
    postSeconds.set(key, seconds);
    return seconds;
  };
  return (s) => {
    const w = work(s);
    const perMicroBatch = w.seconds + recomputeSeconds(s, w, graph.spec.numLayers, options);
    const lastRank = lastChunkLayers(s, graph.spec.numLayers) * w.cheapestLayer + w.head;
    const seconds =
      makespanLowerBound(s, perMicroBatch, w.cheapestLayer, graph.spec.numLayers, lastRank) +
      post(s);
    // The bound can equal the estimate (one stage, nothing exposed) but sums in another order.
    return seconds * (1 - ROUNDING_SLACK);
  };
}

/** The outer loops of the enumeration: what every candidate under them shares. */
export interface ShapeBoundInput {
  readonly tp: number;
  readonly cp: number;
  readonly pp: number;
  readonly microBatchSize: number;
  readonly numMicroBatches: number;
  /** The choices the inner loops may take; the bound is the least over them. */
  readonly sequenceParallel: readonly boolean[];
  readonly expertLayouts: readonly (readonly [number, number])[];
  readonly sequenceSlices: readonly number[];
  /** Schedules the shape's candidates may use (pp = 1: none matters). */
  readonly schedules: readonly ScheduleKind[];
  /** The K/V exchange its candidates use when cp > 1 (absent: the default, p2p). */
  readonly cpComm?: Strategy['cpComm'];
}

/**
 * Lower bound on createStepBound(...)(s) with countRecompute: false for every candidate s of a
 * shape (tp, cp, pp, micro-batching), whatever schedule, chunking, split, recompute, ZeRO stage
 * or expert layout the inner loops pick, seconds: the least makespanLowerBound over the listed
 * schedules (interleaved without its chunk term, which a split can make 0) at the cheapest W
 * over the listed SP, expert-layout and slice choices (recompute and the post-pipeline terms
 * are ≥ 0). A sub-cluster search skips a whole shape with it (issue #14:
 * DeepSeek-V3's idle-node search walks ~190 smaller clusters).
 */
export function createShapeBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
): (x: ShapeBoundInput) => number {
  const work = cachedPipelineWork(graph, cluster, training);
  return (x) => {
    let least = Number.POSITIVE_INFINITY;
    for (const sequenceParallel of x.sequenceParallel)
      for (const [ep, etp] of x.expertLayouts)
        for (const sequenceSlices of x.sequenceSlices) {
          const s: Strategy = {
            tp: x.tp,
            cp: x.cp,
            pp: x.pp,
            dp: 1,
            ...(x.cpComm === undefined ? {} : { cpComm: x.cpComm }),
            ...(ep > 1 ? { ep } : {}),
            ...(etp > 1 ? { etp } : {}),
            microBatchSize: x.microBatchSize,
            numMicroBatches: x.numMicroBatches,
            sequenceParallel,
            recompute: 'none',
            recomputeLayers: null,
            zeroStage: 0,
            schedule: '1f1b',
            virtualStages: 1,
            sequenceSlices,
            layersPerStage: null,
          };
          least = Math.min(least, work(s).seconds);
        }
    let seconds = Number.POSITIVE_INFINITY;
    for (const schedule of x.pp === 1 ? (['1f1b'] as const) : x.schedules) {
      const s = { ...x, schedule, virtualStages: 2, layersPerStage: [0] };
      seconds = Math.min(seconds, makespanLowerBound(s, least, 0, graph.spec.numLayers));
    }
    return seconds * (1 - ROUNDING_SLACK);
  };
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
 * add, so no smaller cluster fits either. FSDP with bf16 resident parameters keeps 2 + 2 + 4
 * (bf16 params, gradients and Adam moments; model-states.ts), so it counts 8.
 */
export function modelStatesCannotFit(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training?: Pick<TrainingConfig, 'framework' | 'fsdpParameterDtype'>,
): boolean {
  const bf16Fsdp = training?.framework === 'fsdp' && training.fsdpParameterDtype === 'bf16';
  const bytesPerParameter = bf16Fsdp
    ? BF16_FSDP_STATE_BYTES_PER_PARAMETER
    : WEIGHT_BYTES_PER_PARAMETER + OPTIMIZER_BYTES_PER_PARAMETER;
  const bytesPerGpu = (totalParameters(graph) * bytesPerParameter) / worldSize(cluster);
  return bytesPerGpu > cluster.device.memoryBytes;
}

/** bf16 parameter + bf16 gradient + two bf16 Adam moments (torch.optim follows the param dtype). */
const BF16_FSDP_STATE_BYTES_PER_PARAMETER = 8;
