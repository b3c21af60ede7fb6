/**
 * The one assembly of per-stage costs (issue #15): every consumer — estimate(), the search's
 * lower bounds and the heterogeneous planner's stages — prices a pipeline stage through this
 * model, so the formulas and the rules that combine them (p2p on the critical path, ZeRO gathers
 * against compute, DP communication left after the drain, optimizer step, memory) live once.
 *
 * A model is built for one shape (cluster or node group, degrees, micro-batch, recompute, ZeRO,
 * framework) and caches the per-layer op times: every chunk is a multiple of one layer (all
 * layers are identical) plus the embedding and head sides.
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import type { DataParallelCommSeconds } from './data-parallel.js';
import {
  dataParallelCommSeconds,
  exposedDataParallelSeconds,
  optimizerStepSeconds,
} from './data-parallel.js';
import type { EstimateCacheScope } from './estimate-cache.js';
import { chunkSecondsMemo, memoised } from './estimate-cache.js';
import type { ActivationTerms, RankLayout, RankMemoryInputs } from './rank-memory.js';
import { activationTerms, rankMemoryBytes } from './rank-memory.js';
import type { GroupPlacement } from './groups.js';
import { pipelineSendRecvSeconds, placeGroup } from './groups.js';
import type { ExpertSplit, ParameterShares } from './parameters.js';
import { NO_EXPERT_SPLIT, parameterShares } from './parameters.js';
import type { RankPassSeconds } from './pipeline.js';
import type { ChunkTimeInputs, ChunkTimeSeconds, LayerCosts } from './stage-time.js';
import {
  chunkTimeSeconds,
  slicedLayerCosts,
  tensorParallelOverlapExposedFraction,
} from './stage-time.js';
import { shardedPassSeconds } from './overlap.js';
import { parallelTimingInputs } from './parallel-inputs.js';
import type { ChunkLayout } from './stages.js';
import type { Framework, Strategy, TrainingConfig } from './strategy.js';
import { expertDegrees, shardDegree } from './strategy.js';
import type { MemoryBreakdownBytes } from './types.js';

/** Where the strategy's TP, DP and PP groups land (Megatron rank order: tp, dp, pp). */
export interface StageGroups {
  readonly tp: GroupPlacement;
  readonly dp: GroupPlacement;
  readonly pp: GroupPlacement;
  /** HSDP: the shard group (the first dpShard ranks of each DP group) and its replicas. */
  readonly dpShard: GroupPlacement;
  readonly dpReplicate: GroupPlacement;
}

export function placeStrategyGroups(s: Strategy, cluster: ClusterProfile): StageGroups {
  const dp = placeGroup(s.dp, s.tp * s.cp, cluster.gpusPerNode);
  const shard = s.dpShard ?? s.dp;
  // torchtitan's mesh is [dp_replicate, dp_shard, …, tp]: the shard dim is inner (stride tp).
  const hybrid = shard < s.dp;
  return {
    tp: placeGroup(s.tp, 1, cluster.gpusPerNode),
    // Megatron order tp-cp-ep-dp-pp: dp strides tp·cp, pp strides tp·cp·dp (parallel-inputs.ts).
    dp,
    pp: placeGroup(s.pp, s.tp * s.cp * s.dp, cluster.gpusPerNode),
    dpShard: hybrid ? placeGroup(shard, s.tp * s.cp, cluster.gpusPerNode) : dp,
    dpReplicate: placeGroup(hybrid ? s.dp / shard : 1, s.tp * s.cp * shard, cluster.gpusPerNode),
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
export function pipelineTransfers(
  framework: Framework,
  tp: number,
): { readonly bytesDivisor: number; readonly transfersPerMicroBatch: number } {
  switch (framework) {
    case 'megatron':
      return { bytesDivisor: tp, transfersPerMicroBatch: 2 };
    case 'fsdp':
      return { bytesDivisor: 1, transfersPerMicroBatch: 2 };
    case 'deepspeed':
      return { bytesDivisor: 1, transfersPerMicroBatch: 4 };
  }
}

/** The hidden-state activation crossing a stage boundary, one micro-batch: b·s·h 16-bit values. */
export function boundaryActivationBytes(
  graph: ModelGraph,
  training: TrainingConfig,
  microBatchSize: number,
): number {
  const BYTES_PER_ACTIVATION = 2;
  return microBatchSize * training.sequenceLength * graph.spec.hiddenSize * BYTES_PER_ACTIVATION;
}

/** One pipeline rank priced for one micro-batch, and its data-parallel communication. */
export interface RankCosts {
  readonly pass: RankPassSeconds;
  readonly chunkTimes: readonly ChunkTimeSeconds[];
  /** Send/recv seconds left on the rank's critical path per micro-batch, all chunks. */
  readonly p2pPerMicroBatch: number;
  /** Send/recv hidden behind compute per micro-batch (overlapped p2p). */
  readonly p2pHiddenPerMicroBatch: number;
  /** Sharded (ZeRO-2/3, FSDP) gathers and reduce-scatters per micro-batch: exposed and hidden. */
  readonly shardedExposedPerMicroBatch: number;
  readonly shardedHiddenPerMicroBatch: number;
  readonly dp: DataParallelCommSeconds;
  readonly layout: RankLayout;
}

/** DP communication left after the drain and the optimizer step, one rank, seconds. */
export interface PostPipelineSeconds {
  readonly exposedReduce: number;
  readonly exposedGather: number;
  /** DP communication overlap hid (behind the last backward, or in the next forward). */
  readonly hidden: number;
  readonly optimizer: number;
}

export interface StageCostModel {
  readonly strategy: Strategy;
  readonly cluster: ClusterProfile;
  readonly groups: StageGroups;
  /** Per-layer, embedding-side and head-side op times, and one TP collective. */
  readonly costs: LayerCosts;
  /** One chunk for one micro-batch, pipeline p2p excluded. */
  chunkSeconds(chunk: ChunkLayout): ChunkTimeSeconds;
  /** A pipeline rank: pass times with its p2p (as the framework sends) and its DP communication. */
  rank(layout: RankLayout): RankCosts;
  /**
   * DP communication left on the critical path after rank r's last backward, and its optimizer
   * step. One rule for every caller: `lastBackwardSeconds` is the window the reduction can hide in.
   */
  postPipeline(
    parametersPerGpu: number,
    fsdpUnits: number,
    lastBackwardSeconds: number,
    rankIndex: number,
  ): PostPipelineSeconds;
  /** Peak memory of a rank holding `chunks` with `inFlight` micro-batches of activations alive. */
  memory(
    chunks: readonly ChunkLayout[],
    parametersPerGpu: number,
    inFlight: number,
  ): MemoryBreakdownBytes;
}

/** parameterShares(graph, tp, experts), from the cache when one is given (keyed tp, ep, etp). */
export function cachedParameterShares(
  graph: ModelGraph,
  tp: number,
  scope?: EstimateCacheScope,
  experts: ExpertSplit = NO_EXPERT_SPLIT,
): ParameterShares {
  return scope === undefined
    ? parameterShares(graph, tp, experts)
    : memoised(scope.parameterShares, `${tp}|${experts.ep}|${experts.etp}`, () =>
        parameterShares(graph, tp, experts),
      );
}

/** activationTerms(x), from the cache when one is given (tp, mbs, SP, recompute, cp: the shape's). */
export function cachedActivationTerms(
  x: RankMemoryInputs,
  scope?: EstimateCacheScope,
): ActivationTerms {
  if (scope === undefined) return activationTerms(x);
  const s = x.strategy;
  const key = `${s.tp}|${s.microBatchSize}|${s.sequenceParallel}|${s.recompute}|${s.cp}`;
  return memoised(scope.activationTerms, key, () => activationTerms(x));
}

export function memoryInputs(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  scope?: EstimateCacheScope,
): RankMemoryInputs {
  // The largest FSDP / ZeRO-3 unit on one GPU: a dense or an MoE layer's share, experts counted
  // after the EP·ETP split (a rank gathers only its own experts, over the expert-DP group:
  // torchtitan / AutoModel's ep_shard mesh, Megatron-FSDP's expert-DP group).
  const shares = cachedParameterShares(graph, s.tp, scope, expertDegrees(s));
  return {
    graph,
    device: cluster.device,
    strategy: s,
    precision: training.precision,
    framework: training.framework,
    ...(training.gradientReduceInFp32 === undefined
      ? {}
      : { gradientReduceInFp32: training.gradientReduceInFp32 }),
    ...(training.fsdpParameterDtype === undefined
      ? {}
      : { fsdpParameterDtype: training.fsdpParameterDtype }),
    layerParametersPerGpu: Math.max(shares.layer, shares.moeLayer),
    shape: {
      spec: graph.spec,
      sequenceLength: training.sequenceLength,
      microBatchSize: s.microBatchSize,
      tp: s.tp,
      sequenceParallel: s.sequenceParallel,
      recompute: s.recompute,
      flashAttention: training.flashAttention,
      dropout: training.dropout,
      ...(s.cp > 1 ? { contextParallel: s.cp } : {}),
      ...(s.recomputeModules === undefined ? {} : { recomputeModules: s.recomputeModules }),
      ...(training.precision === 'fp8' ? { fp8: true } : {}),
    },
  };
}

/** The op-timing inputs of a shape (shared with the search's per-layer bound). */
export function chunkTimeInputs(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  tpGroup: GroupPlacement = placeGroup(s.tp, 1, cluster.gpusPerNode),
): ChunkTimeInputs {
  const extra = parallelTimingInputs(graph, cluster, s, training);
  return {
    graph,
    cluster,
    precision: training.precision,
    share: {
      sequences: s.microBatchSize,
      tp: s.tp,
      sequenceParallel: s.sequenceParallel,
      flashAttention: training.flashAttention,
      dropout: training.dropout,
      ...(extra.cp === undefined ? {} : { cp: extra.cp }),
      ...(extra.experts === undefined ? {} : { experts: extra.experts }),
    },
    ...(extra.moe === undefined ? {} : { moe: extra.moe }),
    ...(extra.contextParallel === undefined ? {} : { contextParallel: extra.contextParallel }),
    tpGroup,
    recompute: s.recompute,
    ...(s.recomputeModules === undefined ? {} : { recomputeModules: s.recomputeModules }),
    recomputedLayers: s.recomputeLayers ?? Number.POSITIVE_INFINITY,
    tensorParallelExposedFraction: tensorParallelCommOverlaps(s, training)
      ? tensorParallelOverlapExposedFraction(s.tp, cluster.device.overlapInterferenceFraction)
      : 1,
  };
}

/** --tp-comm-overlap applies to Megatron with tp > 1 and sequence parallelism (TE userbuffers). */
function tensorParallelCommOverlaps(s: Strategy, training: TrainingConfig): boolean {
  return (
    training.overlapTensorParallelComm &&
    training.framework === 'megatron' &&
    s.tp > 1 &&
    s.sequenceParallel
  );
}

/**
 * Build the cached cost model of one stage shape; `cluster` is the whole cluster or one group.
 * `scope` (optional) shares layer costs, parameter shares and DP collectives across the
 * strategies of one planning call (estimate-cache.ts); the numbers are the same without it.
 */
export function createStageCostModel(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
  scope?: EstimateCacheScope,
): StageCostModel {
  const groups = placeStrategyGroups(s, cluster);
  const inputs = chunkTimeInputs(graph, cluster, s, training, groups.tp);
  const costs =
    scope === undefined
      ? slicedLayerCosts(inputs, s.sequenceSlices)
      : memoised(
          scope.layerCosts,
          // parallel-inputs.ts adds what CP and expert dispatch read: cp, its comm, ep, etp.
          `${s.tp}|${s.microBatchSize}|${s.sequenceParallel}|${s.sequenceSlices}|${s.cp}|${s.cpComm ?? ''}|${s.ep ?? 1}|${s.etp ?? 1}`,
          () => slicedLayerCosts(inputs, s.sequenceSlices),
        );
  const memory = memoryInputs(graph, cluster, s, training, scope);
  let terms: ActivationTerms | undefined;
  const p2pShape = pipelineTransfers(training.framework, s.tp);
  const boundaryBytes =
    boundaryActivationBytes(graph, training, s.microBatchSize) / p2pShape.bytesDivisor;
  const p2p = s.pp > 1 ? pipelineSendRecvSeconds(boundaryBytes, groups.pp, cluster) : 0;
  const interference = cluster.device.overlapInterferenceFraction;
  const unitParameters = memory.layerParametersPerGpu;
  const computeDpComm = (parametersPerGpu: number, units: number): DataParallelCommSeconds =>
    dataParallelCommSeconds({
      parametersPerGpu,
      group: s.zeroStage >= 1 ? groups.dpShard : groups.dp,
      replicaGroup: groups.dpReplicate,
      zeroStage: s.zeroStage,
      pp: s.pp,
      training,
      cluster,
      units,
      unitParameters,
    });
  const sharedDpComm = (parametersPerGpu: number, units: number): DataParallelCommSeconds =>
    scope === undefined
      ? computeDpComm(parametersPerGpu, units)
      : memoised(
          scope.dataParallelComm,
          // Group placement strides tp·cp; HSDP splits dp into shard and replica groups.
          `${parametersPerGpu}|${units}|${s.dp}|${s.tp}|${s.cp}|${s.dpShard ?? s.dp}|${s.zeroStage}|${s.pp}`,
          () => computeDpComm(parametersPerGpu, units),
        );
  // Every rank asks twice (its passes and its post-drain rule): a numeric memo per model first.
  const dpByParameters = new Map<number, Map<number, DataParallelCommSeconds>>();
  const dpComm = (parametersPerGpu: number, units: number): DataParallelCommSeconds => {
    let byUnits = dpByParameters.get(parametersPerGpu);
    if (byUnits === undefined) {
      byUnits = new Map();
      dpByParameters.set(parametersPerGpu, byUnits);
    }
    return memoised(byUnits, units, () => sharedDpComm(parametersPerGpu, units));
  };
  const p2pOverlaps = training.overlapPipelineP2p && training.framework !== 'deepspeed';
  const chunkSeconds = chunkSecondsMemo((chunk) => chunkTimeSeconds(chunk, inputs, costs));
  const rankCosts = (layout: RankLayout): RankCosts => {
    const chunkTimes = layout.chunks.map(chunkSeconds);
    const dp = dpComm(layout.parametersPerGpu, layout.fsdpUnits);
    const forwardMath = chunkTimes.reduce((a, t) => a + t.forward, 0);
    const backwardInput = chunkTimes.reduce((a, t) => a + t.backwardInput, 0);
    const backwardWeight = chunkTimes.reduce((a, t) => a + t.backwardWeight, 0);
    const sharded = {
      units: dp.units,
      prefetchFraction: dp.prefetchFraction,
      interferenceFraction: interference,
    };
    const forward = shardedPassSeconds({
      ...sharded,
      computeSeconds: forwardMath,
      gatherSecondsPerUnit: dp.unitForwardGatherSeconds,
      reduceSecondsPerUnit: 0,
    });
    const backward = shardedPassSeconds({
      ...sharded,
      computeSeconds: backwardInput + backwardWeight,
      gatherSecondsPerUnit: dp.unitBackwardGatherSeconds,
      reduceSecondsPerUnit: dp.unitBackwardReduceSeconds,
    });
    const p2pAll = p2pShape.transfersPerMicroBatch * layout.chunks.length * p2p;
    const p2pPerMicroBatch = p2pOverlaps ? interference * p2pAll : p2pAll;
    const pass: RankPassSeconds = {
      forward: forward.seconds + p2pPerMicroBatch / 2,
      backwardInput: backward.seconds - backwardWeight + p2pPerMicroBatch / 2,
      backwardWeight,
    };
    return {
      pass,
      chunkTimes,
      p2pPerMicroBatch,
      p2pHiddenPerMicroBatch: p2pAll - p2pPerMicroBatch,
      shardedExposedPerMicroBatch: forward.exposedCommSeconds + backward.exposedCommSeconds,
      shardedHiddenPerMicroBatch: forward.hiddenCommSeconds + backward.hiddenCommSeconds,
      dp,
      layout,
    };
  };
  const ranksBySignature = new Map<string, RankCosts>();
  return {
    strategy: s,
    cluster,
    groups,
    costs,
    chunkSeconds,
    rank(layout) {
      // Ranks holding the same chunks cost the same: price each kind once per model.
      if (layout.signature === undefined) return rankCosts(layout);
      const shared = memoised(ranksBySignature, layout.signature, () => rankCosts(layout));
      return shared.layout === layout ? shared : { ...shared, layout };
    },
    postPipeline(parametersPerGpu, fsdpUnits, lastBackwardSeconds, rankIndex) {
      const exposed = exposedDataParallelSeconds(
        dpComm(parametersPerGpu, fsdpUnits),
        lastBackwardSeconds + rankIndex * lastBackwardSeconds,
        interference,
      );
      const localParameters = parametersPerGpu / shardDegree(s);
      return {
        exposedReduce: exposed.gradientReduce,
        exposedGather: exposed.parameterGather,
        hidden: exposed.hidden,
        optimizer: optimizerStepSeconds(localParameters, cluster.device),
      };
    },
    memory(chunks, parametersPerGpu, inFlight) {
      terms ??= cachedActivationTerms(memory, scope);
      return rankMemoryBytes(chunks, parametersPerGpu, inFlight, memory, terms);
    },
  };
}
