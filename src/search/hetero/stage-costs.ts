/**
 * Per-stage time and memory of a heterogeneous pipeline stage, by reuse of the homogeneous cost
 * model with the stage's own group as the ClusterProfile (layerCosts / chunkTimeSeconds,
 * rankMemoryBytes, dataParallelCommSeconds): no formula is re-derived here except the optimizer
 * step (costmodel/data-parallel.ts optimizerStepSeconds).
 */
import {
  dataParallelCommSeconds,
  exposedDataParallelSeconds,
  optimizerStepSeconds,
} from '../../costmodel/data-parallel.js';
import { memoryInputs } from '../../costmodel/estimate-memory.js';
import { placeGroup } from '../../costmodel/groups.js';
import { chunkParametersPerGpu, parameterShares } from '../../costmodel/parameters.js';
import type { ParameterShares } from '../../costmodel/parameters.js';
import type { RankMemoryInputs } from '../../costmodel/rank-memory.js';
import { activationTerms, rankMemoryBytes, totalBytes } from '../../costmodel/rank-memory.js';
import type { ChunkTimeInputs, LayerCosts } from '../../costmodel/stage-time.js';
import { chunkTimeSeconds, layerCosts } from '../../costmodel/stage-time.js';
import type { ChunkLayout } from '../../costmodel/stages.js';
import type {
  RecomputeMode,
  Strategy,
  TrainingConfig,
  ZeroStage,
} from '../../costmodel/strategy.js';
import type { ModelGraph } from '../../graph/types.js';
import type { ClusterProfile } from '../../hardware-profiles/types.js';

/** Everything that fixes a stage's per-layer costs: group, degrees, micro-batch, recompute. */
export interface StageShape {
  readonly group: ClusterProfile;
  readonly tp: number;
  readonly dp: number;
  readonly pp: number;
  readonly microBatchSize: number;
  readonly numMicroBatches: number;
  readonly recompute: RecomputeMode;
}

/** Time and memory of a stage as functions of its layer count (cost-model calls cached). */
export interface StageModel {
  readonly shape: StageShape;
  /** Forward + full backward seconds per micro-batch (TP comm and recompute included). */
  seconds(layers: number, hasEmbedding: boolean, hasLmHead: boolean): StagePassSeconds;
  /** Peak bytes per GPU with `inFlight` micro-batches alive (1F1B: min(pp − r, m)). */
  memoryBytes(layers: number, hasEmbedding: boolean, hasLmHead: boolean, inFlight: number): number;
  /** Exposed DP gradient sync + optimizer step after the flush, seconds (stage index r). */
  postPipelineSeconds(layers: number, hasEmbedding: boolean, hasLmHead: boolean, r: number): number;
}

export interface StagePassSeconds {
  readonly forward: number;
  readonly backwardInput: number;
  readonly backwardWeight: number;
}

/** ZeRO stage used by heterogeneous pipelines: Megatron's distributed optimizer when dp > 1. */
export function heteroZeroStage(dp: number): ZeroStage {
  return dp > 1 ? 1 : 0;
}

/** A synthetic homogeneous Strategy describing one stage (for memoryInputs). */
export function stageStrategy(shape: StageShape): Strategy {
  return {
    dp: shape.dp,
    tp: shape.tp,
    pp: shape.pp,
    cp: 1,
    virtualStages: 1,
    sequenceSlices: 1,
    sequenceParallel: shape.tp > 1,
    microBatchSize: shape.microBatchSize,
    numMicroBatches: shape.numMicroBatches,
    recompute: shape.recompute,
    recomputeLayers: null,
    zeroStage: heteroZeroStage(shape.dp),
    schedule: '1f1b',
    layersPerStage: null,
  };
}

function chunk(layers: number, hasEmbedding: boolean, hasLmHead: boolean): ChunkLayout {
  return { index: 0, rank: 0, layers, hasEmbedding, hasLmHead };
}

interface Prepared {
  readonly inputs: ChunkTimeInputs;
  readonly costs: LayerCosts;
  readonly memory: RankMemoryInputs;
  readonly shares: ParameterShares;
}

function prepare(graph: ModelGraph, training: TrainingConfig, shape: StageShape): Prepared {
  const s = stageStrategy(shape);
  const inputs: ChunkTimeInputs = {
    graph,
    cluster: shape.group,
    precision: training.precision,
    share: {
      sequences: shape.microBatchSize,
      tp: shape.tp,
      sequenceParallel: s.sequenceParallel,
      flashAttention: training.flashAttention,
      dropout: training.dropout,
    },
    tpGroup: placeGroup(shape.tp, 1, shape.group.gpusPerNode),
    recompute: shape.recompute,
    recomputedLayers: Number.POSITIVE_INFINITY,
  };
  return {
    inputs,
    costs: layerCosts(inputs),
    memory: memoryInputs(graph, s, training),
    shares: parameterShares(graph, shape.tp),
  };
}

/** Build the cached stage model for one shape. */
export function stageModel(
  graph: ModelGraph,
  training: TrainingConfig,
  shape: StageShape,
): StageModel {
  const p = prepare(graph, training, shape);
  const terms = activationTerms(p.memory);
  const params = (c: ChunkLayout): number => chunkParametersPerGpu(c, p.shares, shape.pp);
  const device = shape.group.device;
  return {
    shape,
    seconds(layers, hasEmbedding, hasLmHead) {
      const t = chunkTimeSeconds(chunk(layers, hasEmbedding, hasLmHead), p.inputs, p.costs);
      return {
        forward: t.forward,
        backwardInput: t.backwardInput,
        backwardWeight: t.backwardWeight,
      };
    },
    memoryBytes(layers, hasEmbedding, hasLmHead, inFlight) {
      const c = chunk(layers, hasEmbedding, hasLmHead);
      return totalBytes(rankMemoryBytes([c], params(c), inFlight, p.memory, terms));
    },
    postPipelineSeconds(layers, hasEmbedding, hasLmHead, r) {
      const c = chunk(layers, hasEmbedding, hasLmHead);
      const perGpu = params(c);
      const dpGroup = placeGroup(shape.dp, shape.tp, shape.group.gpusPerNode);
      const zero = heteroZeroStage(shape.dp);
      const comm = dataParallelCommSeconds(
        perGpu,
        dpGroup,
        zero,
        training.precision,
        training.framework,
        shape.group,
      );
      const t = chunkTimeSeconds(c, p.inputs, p.costs);
      const backward = t.backwardInput + t.backwardWeight;
      const exposed = exposedDataParallelSeconds(
        comm,
        backward,
        r * backward,
        training.overlapGradientReduce,
      );
      const optimizer = optimizerStepSeconds(perGpu / (zero >= 1 ? shape.dp : 1), device);
      return exposed.gradientReduce + exposed.parameterGather + optimizer;
    },
  };
}
