/**
 * Evaluate one heterogeneous pipeline candidate (Metis, Um et al. USENIX ATC'24 §4–5; FASOP,
 * Hwang et al. HPDC'24 §4): stages on groups of different GPU types, per-group TP, one DP degree
 * for every stage (each pipeline replica spans all stages), layers balanced by the DP of
 * layer-partition.ts, 1F1B. Every candidate is timed by the schedule simulator with uneven
 * per-stage F and B; each rank's boundary p2p is charged on the rank (half to F, half to B), as v1's
 * estimate charges it, so homogeneous and heterogeneous plans are compared on one accounting.
 */
import {
  sendRecvSeconds,
  boundaryActivationBytes,
  pipelineSendRecvSeconds,
  pipelineTransfers,
  placeGroup,
} from '../../costmodel/index.js';
import type { RecomputeMode, TrainingConfig } from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { HeterogeneousCluster, ClusterProfile } from '../../hardware-profiles/index.js';
import type { Partition, PartitionStage } from './layer-partition.js';
import { partitionLayers } from './layer-partition.js';
import type { StageRun } from './pipeline-bound.js';
import { pipelineStepLowerBound } from './pipeline-bound.js';
import type { OneFOneBTiming } from './one-f-one-b-timing.js';
import { oneFOneBTiming } from './one-f-one-b-timing.js';
import type { StageModel } from './stage-costs.js';
import { stageModel } from './stage-costs.js';

/** Where one stage runs: its group and TP degree. */
export interface StagePlacement {
  readonly group: ClusterProfile;
  readonly tp: number;
}

/** Consecutive stages on one group with one TP degree. */
export interface Segment {
  readonly group: number;
  readonly tp: number;
  readonly stages: number;
}

export interface PipelineCandidate {
  readonly dp: number;
  readonly microBatchSize: number;
  readonly numMicroBatches: number;
  /** In pipeline order; groups appear at most once. */
  readonly segments: readonly Segment[];
}

export interface PipelineEvaluation {
  readonly candidate: PipelineCandidate;
  readonly recompute: RecomputeMode;
  readonly partition: Partition;
  readonly models: readonly StageModel[];
  /** Per-transfer p2p seconds at each boundary j → j + 1. */
  readonly p2pSeconds: readonly number[];
  readonly postPipelineSeconds: number;
  /** Simulated 1F1B makespan plus the post-pipeline sync, seconds. */
  readonly stepTimeSeconds: number;
  /** Peak micro-batches alive per stage in the simulated schedule. */
  readonly peakInFlight: readonly number[];
}

const RECOMPUTE_ORDER: readonly RecomputeMode[] = ['none', 'selective', 'full'];

/** Cache of stage models, keyed by shape (one per planning call; no module state). */
export type StageModelCache = Map<string, StageModel>;

interface Context {
  readonly graph: ModelGraph;
  readonly cluster: HeterogeneousCluster;
  readonly training: TrainingConfig;
  readonly cache: StageModelCache;
}

function stageModels(x: Context, c: PipelineCandidate, recompute: RecomputeMode): StageModel[] {
  const pp = c.segments.reduce((a, s) => a + s.stages, 0);
  const models: StageModel[] = [];
  for (const seg of c.segments) {
    const group = x.cluster.groups[seg.group];
    if (group === undefined) continue;
    const key = [seg.group, seg.tp, c.dp, pp, c.microBatchSize, c.numMicroBatches, recompute].join(
      '|',
    );
    let model = x.cache.get(key);
    if (model === undefined) {
      model = stageModel(x.graph, x.training, {
        group,
        tp: seg.tp,
        dp: c.dp,
        pp,
        microBatchSize: c.microBatchSize,
        numMicroBatches: c.numMicroBatches,
        recompute,
      });
      x.cache.set(key, model);
    }
    for (let i = 0; i < seg.stages; i++) models.push(model);
  }
  return models;
}

/** Forward + backward (input and weight) seconds of one pass. */
export const passTotal = (t: {
  forward: number;
  backwardInput: number;
  backwardWeight: number;
}): number => t.forward + t.backwardInput + t.backwardWeight;

/**
 * Stage j's affine cost and memory limit for the partition DP. It depends only on the model (its
 * key fixes pp and m) and j, so it is memoised per model: the pipeline search asks for it at every
 * surviving leaf and again at evaluation. A WeakMap keyed by the model lives as long as the
 * planning call's StageModelCache that holds the model (no state outlives a call).
 */
const partitionStageMemo = new WeakMap<StageModel, PartitionStage[]>();

function partitionStage(model: StageModel, j: number, pp: number, m: number): PartitionStage {
  let row = partitionStageMemo.get(model);
  if (row === undefined) {
    row = [];
    partitionStageMemo.set(model, row);
  }
  const known = row[j];
  if (known !== undefined) return known;
  const emb = j === 0;
  const head = j === pp - 1;
  const base = passTotal(model.seconds(0, emb, head));
  const perLayer = passTotal(model.seconds(1, emb, head)) - base;
  const inFlight = Math.min(pp - j, m);
  const capacity = model.shape.group.device.memoryBytes;
  const m0 = model.memoryBytes(0, emb, head, inFlight);
  const m1 = model.memoryBytes(1, emb, head, inFlight);
  // Memory is affine in the layer count (states and activations are per-layer sums).
  const maxLayers =
    m0 > capacity ? 0 : m1 <= m0 ? Infinity : Math.floor((capacity - m0) / (m1 - m0));
  const stage = { baseSeconds: base, perLayerSeconds: perLayer, maxLayers };
  row[j] = stage;
  return stage;
}

/** Affine cost and memory limit of each stage for the partition DP. */
function partitionStages(models: readonly StageModel[], m: number): PartitionStage[] {
  return models.map((model, j) => partitionStage(model, j, models.length, m));
}

/** True when some split of the layers fits every stage's memory (what partitionLayers needs). */
function layersFit(stages: readonly PartitionStage[], layers: number): boolean {
  let room = 0;
  for (const s of stages) {
    if (s.maxLayers < 1) return false;
    room += Math.min(s.maxLayers, layers);
  }
  return room >= layers;
}

/**
 * Per-transfer p2p time at each boundary. Inside a group: v1's placement (a PP group of stride
 * tp·dp stays in a node when it fits). Across groups: the dp replicas' activations share the
 * aggregate inter-group link, so dp · activationBytes cross it per transfer.
 * Megatron sends 1/tp of the activation (scatter/gather, Narayanan et al. SC'21 §4.1); with
 * different TP on the two sides the smaller degree bounds the split.
 */
export function boundaryP2pSeconds(
  x: Pick<Context, 'cluster' | 'graph' | 'training'>,
  c: Pick<PipelineCandidate, 'dp' | 'microBatchSize'>,
  stages: readonly StagePlacement[],
): number[] {
  const activationBytes = boundaryActivationBytes(x.graph, x.training, c.microBatchSize);
  const out: number[] = [];
  for (let j = 0; j + 1 < stages.length; j++) {
    const a = stages[j] as StagePlacement;
    const b = stages[j + 1] as StagePlacement;
    const shape = pipelineTransfers(x.training.framework, Math.min(a.tp, b.tp));
    let seconds: number;
    if (a.group === b.group) {
      const ppGroup = placeGroup(2, a.tp * c.dp, a.group.gpusPerNode);
      seconds = pipelineSendRecvSeconds(activationBytes / shape.bytesDivisor, ppGroup, a.group);
    } else {
      seconds = sendRecvSeconds(c.dp * activationBytes, x.cluster.interGroup);
    }
    // Per transfer pair on the critical path: blocking frameworks send twice as often.
    out.push((seconds * shape.transfersPerMicroBatch) / 2);
  }
  return out;
}

function postPipeline(models: readonly StageModel[], layers: readonly number[]): number {
  const last = models.length - 1;
  return Math.max(
    ...models.map((model, j) => model.postPipelineSeconds(layers[j] ?? 0, j === 0, j === last, j)),
  );
}

/** Keeps a bound from crossing the simulated step by floating-point rounding of the affine fit. */
const BOUND_SLACK = 1 - 1e-9;

/**
 * Lower bound (seconds) on evaluatePipeline's step for `c`, or null when no recompute mode fits
 * memory (evaluatePipeline returns null then too). It takes the recompute mode evaluatePipeline
 * will take (the first whose stages can hold the layers) and the stages' exact affine costs,
 * boundary p2p and memory caps, and bounds the simulated 1F1B over every capped integer split
 * (pipelineStepLowerBound); the partition DP picks one such split and the post-pipeline sync only
 * adds. With a cut-off it may stop at any value ≥ the cut-off.
 */
export function pipelineLeafBound(
  x: Context,
  c: PipelineCandidate,
  cutoffSeconds = Number.POSITIVE_INFINITY,
): number | null {
  const layers = x.graph.spec.numLayers;
  for (const recompute of RECOMPUTE_ORDER) {
    const models = stageModels(x, c, recompute);
    const stages = partitionStages(models, c.numMicroBatches);
    if (!layersFit(stages, layers)) continue;
    const p2p = boundaryP2pSeconds(
      x,
      c,
      models.map((model) => model.shape),
    );
    const runs: StageRun[] = stages.map((s, j) => ({
      tauSeconds: s.perLayerSeconds,
      baseSeconds: s.baseSeconds + (p2p[j - 1] ?? 0) + (p2p[j] ?? 0),
      count: 1,
      maxLayers: s.maxLayers,
    }));
    const last = runs.pop() as StageRun;
    const seconds = pipelineStepLowerBound(runs, last, layers, c.numMicroBatches, cutoffSeconds);
    return seconds * BOUND_SLACK;
  }
  return null;
}

/** Evaluate one candidate: the first recompute mode whose partition fits memory, simulated. */
export function evaluatePipeline(x: Context, c: PipelineCandidate): PipelineEvaluation | null {
  for (const recompute of RECOMPUTE_ORDER) {
    const models = stageModels(x, c, recompute);
    const partition = partitionLayers(
      partitionStages(models, c.numMicroBatches),
      x.graph.spec.numLayers,
    );
    if (partition === null) continue;
    const p2p = boundaryP2pSeconds(
      x,
      c,
      models.map((model) => model.shape),
    );
    const post = postPipeline(models, partition.layers);
    const simulated = simulate(models, partition.layers, p2p, c.numMicroBatches);
    return {
      candidate: c,
      recompute,
      partition,
      models,
      p2pSeconds: p2p,
      postPipelineSeconds: post,
      stepTimeSeconds: simulated.makespanSeconds + post,
      peakInFlight: simulated.peakInFlightMicroBatches,
    };
  }
  return null;
}

/**
 * 1F1B with uneven per-stage F and B (Narayanan et al. SC'21 §2.2 schedule). Stage j's transfers
 * at its boundaries (p2p[j − 1] + p2p[j]) ride on its own passes, half each way: Megatron's
 * send_forward_recv_backward blocks the rank (v1's accounting in estimate.ts). Timed by
 * oneFOneBTiming: simulateSchedule's numbers without its per-action timeline.
 */
function simulate(
  models: readonly StageModel[],
  layers: readonly number[],
  p2p: readonly number[],
  numMicroBatches: number,
): OneFOneBTiming {
  const last = models.length - 1;
  const forwardSeconds: number[] = [];
  const backwardInputSeconds: number[] = [];
  const backwardWeightSeconds: number[] = [];
  models.forEach((model, j) => {
    const t = model.seconds(layers[j] ?? 0, j === 0, j === last);
    const half = ((p2p[j - 1] ?? 0) + (p2p[j] ?? 0)) / 2;
    forwardSeconds.push(t.forward + half);
    backwardInputSeconds.push(t.backwardInput + half);
    backwardWeightSeconds.push(t.backwardWeight);
  });
  return oneFOneBTiming(
    { forwardSeconds, backwardInputSeconds, backwardWeightSeconds },
    numMicroBatches,
  );
}

export type { Context as PipelineContext };
