/**
 * estimate(graph, cluster, strategy, training): CostBreakdown — the cost model's one entry point
 * (STYLE.md §1). Pure: same inputs, same output.
 *
 * Data flow: validate → pipeline layout → per-chunk times (compute, TP comm, recompute) →
 * per-rank pass times incl. p2p → pipeline makespan and in-flight activations (closed form or an
 * injected schedule simulation) → DP/ZeRO communication and optimizer per rank → step time,
 * memory per rank, FLOP utilisation.
 */
import type { ModelGraph } from '../graph/types.js';
import type { ClusterProfile } from '../hardware-profiles/types.js';
import { worldSize } from '../hardware-profiles/types.js';
import type { DataParallelCommSeconds } from './data-parallel.js';
import {
  dataParallelCommSeconds,
  exposedDataParallelSeconds,
  optimizerStepSeconds,
} from './data-parallel.js';
import { hardwareFlopsPerStep, modelFlopsPerStep } from './flops.js';
import { peakFlopsPerSecond } from './compute.js';
import type { GroupPlacement } from './groups.js';
import { pipelineSendRecvSeconds, placeGroup } from './groups.js';
import type { PipelineModel, RankPassSeconds } from './pipeline.js';
import { closedFormPipeline } from './pipeline.js';
import type { RankLayout } from './estimate-memory.js';
import { estimateMemory, rankLayouts } from './estimate-memory.js';
import type { ChunkTimeSeconds } from './stage-time.js';
import { chunkTimeSeconds, slicedLayerCosts } from './stage-time.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import type { CostBreakdown, MemoryBreakdownBytes, StageEstimate } from './types.js';

export interface EstimateOptions {
  /** Pipeline timing; defaults to the closed forms in pipeline.ts. */
  readonly pipelineModel?: PipelineModel;
}

interface Groups {
  readonly tp: GroupPlacement;
  readonly dp: GroupPlacement;
  readonly pp: GroupPlacement;
}

function placeGroups(s: Strategy, cluster: ClusterProfile): Groups {
  return {
    tp: placeGroup(s.tp, 1, cluster.gpusPerNode),
    dp: placeGroup(s.dp, s.tp, cluster.gpusPerNode),
    pp: placeGroup(s.pp, s.tp * s.dp, cluster.gpusPerNode),
  };
}

/**
 * Pipeline send/recv on a rank's critical path, per chunk and micro-batch.
 *  megatron / fsdp: the forward send overlaps the backward receive (batched isend/irecv,
 *    megatron/core/pipeline_parallel/p2p_communication.py send_forward_recv_backward): 2 transfers;
 *    Megatron also sends only 1/tp of the activation (scatter/gather, Narayanan et al. SC'21 §4.1).
 *  deepspeed: PipelineEngine runs RecvActivation, SendActivation, RecvGrad, SendGrad as separate
 *    blocking instructions with the whole activation (deepspeed/runtime/pipe/engine.py): 4 transfers.
 */
function pipelineTransfers(
  framework: TrainingConfig['framework'],
  tp: number,
): { bytesDivisor: number; transfersPerMicroBatch: number } {
  switch (framework) {
    case 'megatron':
      return { bytesDivisor: tp, transfersPerMicroBatch: 2 };
    case 'fsdp':
      return { bytesDivisor: 1, transfersPerMicroBatch: 2 };
    case 'deepspeed':
      return { bytesDivisor: 1, transfersPerMicroBatch: 4 };
  }
}

interface RankResult {
  readonly pass: RankPassSeconds;
  readonly chunkTimes: readonly ChunkTimeSeconds[];
  readonly p2pPerMicroBatch: number;
  readonly dp: DataParallelCommSeconds;
  readonly layout: RankLayout;
}

function rankPasses(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  groups: Groups,
  layouts: readonly RankLayout[],
): RankResult[] {
  const p2pShape = pipelineTransfers(training.framework, s.tp);
  const boundaryBytes =
    (s.microBatchSize * training.sequenceLength * graph.spec.hiddenSize * 2) /
    p2pShape.bytesDivisor;
  const p2p = s.pp > 1 ? pipelineSendRecvSeconds(boundaryBytes, groups.pp, cluster) : 0;
  const inputs = {
    graph,
    cluster,
    precision: training.precision,
    share: {
      sequences: s.microBatchSize,
      tp: s.tp,
      sequenceParallel: s.sequenceParallel,
      flashAttention: training.flashAttention,
      dropout: training.dropout,
    },
    tpGroup: groups.tp,
    recompute: s.recompute,
    recomputedLayers: s.recomputeLayers ?? Number.POSITIVE_INFINITY,
  };
  const costs = slicedLayerCosts(inputs, s.sequenceSlices);
  return layouts.map((layout) => {
    const chunkTimes = layout.chunks.map((c) => chunkTimeSeconds(c, inputs, costs));
    const dp = dataParallelCommSeconds(
      layout.parametersPerGpu,
      groups.dp,
      s.zeroStage,
      training.precision,
      training.framework,
      cluster,
      layout.fsdpUnits,
    );
    const forwardMath = chunkTimes.reduce((a, t) => a + t.forward, 0);
    const backwardInput = chunkTimes.reduce((a, t) => a + t.backwardInput, 0);
    const backwardWeight = chunkTimes.reduce((a, t) => a + t.backwardWeight, 0);
    // ZeRO-3 gathers overlap the compute they feed (FSDP prefetch): the slower of the two counts.
    const forward = Math.max(forwardMath, dp.perMicroBatchForward);
    const backwardTotal = Math.max(backwardInput + backwardWeight, dp.perMicroBatchBackward);
    const p2pPerMicroBatch = p2pShape.transfersPerMicroBatch * layout.chunks.length * p2p;
    const pass: RankPassSeconds = {
      forward: forward + p2pPerMicroBatch / 2,
      backwardInput: backwardTotal - backwardWeight + p2pPerMicroBatch / 2,
      backwardWeight,
    };
    return { pass, chunkTimes, p2pPerMicroBatch, dp, layout };
  });
}

/** Per-chunk pass times in global chunk order, each carrying its share of the rank's p2p. */
function chunkPasses(ranks: readonly RankResult[]): RankPassSeconds[] {
  const out: RankPassSeconds[] = [];
  for (const r of ranks) {
    const p2pPerChunk = r.p2pPerMicroBatch / Math.max(1, r.chunkTimes.length) / 2;
    r.layout.chunks.forEach((chunk, i) => {
      const t = r.chunkTimes[i];
      if (t === undefined) return;
      out[chunk.index] = {
        forward: t.forward + p2pPerChunk,
        backwardInput: t.backwardInput + p2pPerChunk,
        backwardWeight: t.backwardWeight,
      };
    });
  }
  return out;
}

interface PostPipeline {
  readonly exposedReduce: number;
  readonly exposedGather: number;
  readonly optimizer: number;
}

/** DP reduction left after the pipeline drains, and the optimizer step, for one rank. */
function postPipelineSeconds(
  r: RankResult,
  index: number,
  s: Strategy,
  training: TrainingConfig,
  cluster: ClusterProfile,
): PostPipeline {
  const device = cluster.device;
  const backward = r.pass.backwardInput + r.pass.backwardWeight;
  const exposed = exposedDataParallelSeconds(
    r.dp,
    backward,
    index * backward,
    training.overlapGradientReduce,
  );
  const localParameters = r.layout.parametersPerGpu / (s.zeroStage >= 1 ? s.dp : 1);
  const optimizer = optimizerStepSeconds(localParameters, device);
  return {
    exposedReduce: exposed.gradientReduce,
    exposedGather: exposed.parameterGather,
    optimizer,
  };
}

/** Estimate one strategy. Throws PlanningError when the strategy is not executable. */
export function estimate(
  graph: ModelGraph,
  cluster: ClusterProfile,
  strategy: Strategy,
  training: TrainingConfig,
  options: EstimateOptions = {},
): CostBreakdown {
  const s = strategy;
  const layouts = rankLayouts(graph, cluster, s, training);
  const groups = placeGroups(s, cluster);
  const ranks = rankPasses(graph, cluster, s, training, groups, layouts);
  const pipelineModel = options.pipelineModel ?? closedFormPipeline;
  const timing = pipelineModel({
    schedule: s.schedule,
    pp: s.pp,
    virtualStages: s.virtualStages,
    numMicroBatches: s.numMicroBatches,
    slices: s.sequenceSlices,
    ranks: ranks.map((r) => r.pass),
    chunks: chunkPasses(ranks),
  });
  const post = ranks.map((r, i) => postPipelineSeconds(r, i, s, training, cluster));
  const postPipeline =
    Math.max(...post.map((e) => e.exposedReduce)) +
    Math.max(...post.map((e) => e.optimizer + e.exposedGather));
  const stepTimeSeconds = timing.makespanSeconds + postPipeline;
  const memory = estimateMemory(graph, cluster, s, training, layouts, timing.inFlightMicroBatches);
  const worstMemoryRank = memory.peaks.indexOf(memory.peakBytes);
  const worstTimeRank = pickWorstTimeRank(ranks);
  const worst = ranks[worstTimeRank];
  const m = s.numMicroBatches;
  const sumChunks = (pick: (t: ChunkTimeSeconds) => number): number =>
    (worst?.chunkTimes ?? []).reduce((a, t) => a + pick(t), 0);
  const rankBusy = worst
    ? worst.pass.forward + worst.pass.backwardInput + worst.pass.backwardWeight
    : 0;
  const gpus = worldSize(cluster);
  const modelFlops = modelFlopsPerStep(graph, training);
  const hardwareFlops = hardwareFlopsPerStep(graph, training, s);
  const peak = peakFlopsPerSecond(cluster.device, training.precision);
  const optimizer = post[worstTimeRank]?.optimizer ?? 0;
  return {
    stepTimeSeconds,
    tokensPerSecond: (training.globalBatchSize * training.sequenceLength) / stepTimeSeconds,
    mfu: modelFlops / (stepTimeSeconds * gpus * peak),
    hfu: hardwareFlops / (stepTimeSeconds * gpus * peak),
    tflopsPerGpu: modelFlops / (stepTimeSeconds * gpus) / 1e12,
    fits: memory.fits,
    peakMemoryBytesPerGpu: memory.peakBytes,
    memoryCapacityBytesPerGpu: cluster.device.memoryBytes,
    memoryBytes: memory.memories[worstMemoryRank] ?? zeroMemory(),
    timeSeconds: {
      compute: m * sumChunks((t) => t.compute),
      recompute: m * sumChunks((t) => t.recompute),
      tensorParallelComm: m * sumChunks((t) => t.tensorParallelComm),
      pipelineComm: m * (worst?.p2pPerMicroBatch ?? 0),
      bubble: Math.max(0, timing.makespanSeconds - m * rankBusy),
      dataParallelComm: postPipeline - optimizer,
      optimizer,
    },
    modelFlopsPerStep: modelFlops,
    hardwareFlopsPerStep: hardwareFlops,
    stages: buildStageEstimates(ranks, memory.memories, memory.peaks),
  };
}

function pickWorstTimeRank(ranks: readonly RankResult[]): number {
  let best = 0;
  ranks.forEach((r, i) => {
    const t = r.pass.forward + r.pass.backwardInput + r.pass.backwardWeight;
    const b = ranks[best];
    if (b && t > b.pass.forward + b.pass.backwardInput + b.pass.backwardWeight) best = i;
  });
  return best;
}

function buildStageEstimates(
  ranks: readonly RankResult[],
  memories: readonly MemoryBreakdownBytes[],
  peaks: readonly number[],
): StageEstimate[] {
  return ranks.map((r, index) => ({
    stage: index,
    layers: r.layout.chunks.reduce((a, c) => a + c.layers, 0),
    hasEmbedding: r.layout.chunks.some((c) => c.hasEmbedding),
    hasLmHead: r.layout.chunks.some((c) => c.hasLmHead),
    forwardSeconds: r.pass.forward,
    backwardSeconds: r.pass.backwardInput + r.pass.backwardWeight,
    backwardInputSeconds: r.pass.backwardInput,
    backwardWeightSeconds: r.pass.backwardWeight,
    peakMemoryBytes: peaks[index] ?? 0,
    memoryBytes: memories[index] ?? zeroMemory(),
  }));
}

function zeroMemory(): MemoryBreakdownBytes {
  return { weights: 0, gradients: 0, optimizer: 0, activations: 0, other: 0 };
}
