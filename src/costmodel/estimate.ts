/**
 * estimate(graph, cluster, strategy, training): CostBreakdown — the cost model's one entry point
 * (STYLE.md §1). Pure: same inputs, same output.
 *
 * Data flow: validate → pipeline layout → per-rank costs from the one stage cost model
 * (stage-cost-model.ts: per-chunk compute, TP comm, recompute, p2p, DP/ZeRO communication) →
 * pipeline makespan and in-flight activations (closed form or an injected schedule simulation) →
 * DP communication left after the drain and the optimizer step per rank → step time, memory per
 * rank, FLOP utilisation.
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import { peakFlopsPerSecond } from './compute.js';
import type { EstimateCache } from './estimate-cache.js';
import { cacheScope } from './estimate-cache.js';
import { estimateMemory, rankLayouts } from './estimate-memory.js';
import { hardwareFlopsPerStep, modelFlopsPerStep } from './flops.js';
import type { PipelineModel, RankPassSeconds } from './pipeline.js';
import { closedFormPipeline } from './pipeline.js';
import type { PostPipelineSeconds, RankCosts, StageCostModel } from './stage-cost-model.js';
import { createStageCostModel } from './stage-cost-model.js';
import type { ChunkTimeSeconds } from './stage-time.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import type { CostBreakdown, MemoryBreakdownBytes, StageEstimate } from './types.js';

export interface EstimateOptions {
  /** Pipeline timing; defaults to the closed forms in pipeline.ts. */
  readonly pipelineModel?: PipelineModel;
  /**
   * A planning call's memo of layer costs, parameter shares and DP collectives shared across
   * strategies (estimate-cache.ts). Performance only: the numbers are the same without it.
   */
  readonly cache?: EstimateCache;
}

/**
 * Per-chunk pass times in global chunk order, each carrying its share of the rank's p2p and of its
 * exposed ZeRO-3 / FSDP gathers and reductions (in proportion to the chunk's math), so that a
 * rank's chunks add up to its pass: the simulated schedule must not run sharded chunks without
 * their collectives (issue #13: it then beat the closed form by 3×).
 */
function chunkPasses(ranks: readonly RankCosts[]): RankPassSeconds[] {
  const out: RankPassSeconds[] = [];
  for (const r of ranks) {
    const p2pPerChunk = r.p2pPerMicroBatch / Math.max(1, r.chunkTimes.length) / 2;
    const sum = (pick: (t: ChunkTimeSeconds) => number): number =>
      r.chunkTimes.reduce((a, t) => a + pick(t), 0);
    const forwardMath = sum((t) => t.forward);
    const backwardInputMath = sum((t) => t.backwardInput);
    // What the rank's pass adds to its chunks' math besides p2p: the exposed sharded collectives.
    const exposed = (pass: number, math: number): number =>
      r.shardedExposedPerMicroBatch > 0 ? Math.max(0, pass - r.p2pPerMicroBatch / 2 - math) : 0;
    const forwardExposed = exposed(r.pass.forward, forwardMath);
    const backwardExposed = exposed(r.pass.backwardInput, backwardInputMath);
    const share = (part: number, whole: number): number =>
      whole > 0 ? part / whole : 1 / Math.max(1, r.chunkTimes.length);
    r.layout.chunks.forEach((chunk, i) => {
      const t = r.chunkTimes[i];
      if (t === undefined) return;
      out[chunk.index] = {
        forward: t.forward + p2pPerChunk + forwardExposed * share(t.forward, forwardMath),
        backwardInput:
          t.backwardInput +
          p2pPerChunk +
          backwardExposed * share(t.backwardInput, backwardInputMath),
        backwardWeight: t.backwardWeight,
      };
    });
  }
  return out;
}

/** DP reduction left after the pipeline drains, and the optimizer step, for one rank. */
function postPipelineSeconds(
  model: StageCostModel,
  r: RankCosts,
  index: number,
): PostPipelineSeconds {
  const lastBackward = r.pass.backwardInput + r.pass.backwardWeight;
  return model.postPipeline(r.layout.parametersPerGpu, r.layout.fsdpUnits, lastBackward, index);
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
  const scope =
    options.cache === undefined ? undefined : cacheScope(options.cache, graph, cluster, training);
  const layouts = rankLayouts(graph, cluster, s, training, scope);
  const model = createStageCostModel(graph, cluster, s, training, scope);
  const ranks = layouts.map((layout) => model.rank(layout));
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
  const post = ranks.map((r, i) => postPipelineSeconds(model, r, i));
  const postPipeline =
    Math.max(...post.map((e) => e.exposedReduce)) +
    Math.max(...post.map((e) => e.optimizer + e.exposedGather));
  const stepTimeSeconds = timing.makespanSeconds + postPipeline;
  const memory = estimateMemory(
    graph,
    cluster,
    s,
    training,
    layouts,
    timing.inFlightMicroBatches,
    scope,
  );
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
    usableMemoryBytesPerGpu: memory.usableBytes,
    memoryBytes: memory.memories[worstMemoryRank] ?? zeroMemory(),
    timeSeconds: {
      compute: m * sumChunks((t) => t.compute),
      recompute: m * sumChunks((t) => t.recompute),
      tensorParallelComm: m * sumChunks((t) => t.tensorParallelComm),
      expertParallelComm: m * sumChunks((t) => t.expertParallelComm),
      contextParallelComm: m * sumChunks((t) => t.contextParallelComm),
      pipelineComm: m * (worst?.p2pPerMicroBatch ?? 0),
      bubble: Math.max(0, timing.makespanSeconds - m * rankBusy),
      dataParallelComm: postPipeline - optimizer + m * (worst?.shardedExposedPerMicroBatch ?? 0),
      optimizer,
    },
    hiddenCommSeconds: {
      tensorParallelComm: m * sumChunks((t) => t.tensorParallelCommHidden),
      dataParallelComm:
        m * (worst?.shardedHiddenPerMicroBatch ?? 0) + (post[worstTimeRank]?.hidden ?? 0),
      pipelineComm: m * (worst?.p2pHiddenPerMicroBatch ?? 0),
      expertParallelComm: m * sumChunks((t) => t.expertParallelCommHidden),
      contextParallelComm: m * sumChunks((t) => t.contextParallelCommHidden),
    },
    modelFlopsPerStep: modelFlops,
    hardwareFlopsPerStep: hardwareFlops,
    stages: buildStageEstimates(ranks, memory.memories, memory.peaks),
  };
}

function pickWorstTimeRank(ranks: readonly RankCosts[]): number {
  let best = 0;
  ranks.forEach((r, i) => {
    const t = r.pass.forward + r.pass.backwardInput + r.pass.backwardWeight;
    const b = ranks[best];
    if (b && t > b.pass.forward + b.pass.backwardInput + b.pass.backwardWeight) best = i;
  });
  return best;
}

function buildStageEstimates(
  ranks: readonly RankCosts[],
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
