/**
 * Per-stage time and memory of a heterogeneous pipeline stage: the costmodel's one stage cost
 * model (createStageCostModel) with the stage's own group as the cluster. No formula and no
 * combining rule is re-derived here; this file only maps a stage's layer count onto a chunk.
 */
import {
  chunkParametersPerGpu,
  createStageCostModel,
  parameterShares,
  totalBytes,
} from '../../costmodel/index.js';
import type {
  ChunkLayout,
  RecomputeMode,
  Strategy,
  TrainingConfig,
  ZeroStage,
} from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { ClusterProfile } from '../../hardware-profiles/index.js';

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

/** Build the cached stage model for one shape: the costmodel's stage model on the stage's group. */
export function stageModel(
  graph: ModelGraph,
  training: TrainingConfig,
  shape: StageShape,
): StageModel {
  const model = createStageCostModel(graph, shape.group, stageStrategy(shape), training);
  const shares = parameterShares(graph, shape.tp);
  const params = (c: ChunkLayout): number => chunkParametersPerGpu(c, shares, shape.pp);
  return {
    shape,
    seconds(layers, hasEmbedding, hasLmHead) {
      const t = model.chunkSeconds(chunk(layers, hasEmbedding, hasLmHead));
      return {
        forward: t.forward,
        backwardInput: t.backwardInput,
        backwardWeight: t.backwardWeight,
      };
    },
    memoryBytes(layers, hasEmbedding, hasLmHead, inFlight) {
      const c = chunk(layers, hasEmbedding, hasLmHead);
      return totalBytes(model.memory([c], params(c), inFlight));
    },
    postPipelineSeconds(layers, hasEmbedding, hasLmHead, r) {
      const c = chunk(layers, hasEmbedding, hasLmHead);
      const t = model.chunkSeconds(c);
      const post = model.postPipeline(params(c), 1, t.backwardInput + t.backwardWeight, r);
      return post.exposedReduce + post.exposedGather + post.optimizer;
    },
  };
}
