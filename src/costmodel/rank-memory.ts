/** Peak memory of one pipeline rank: model states, in-flight activations, working set, reserve. */
import type { ModelGraph } from '../graph/types.js';
import type { Precision } from '../hardware-profiles/types.js';
import type { ActivationShape } from './activations.js';
import {
  activationBytesPerLayer,
  embeddingActivationBytes,
  outputLayerActivationBytes,
} from './activations.js';
import {
  ALLOCATOR_FRAGMENTATION_FRACTION,
  RUNTIME_RESERVE_BYTES,
  frameworkBufferBytes,
  modelStateBytes,
  zero3GatheredBytes,
} from './memory.js';
import { opParametersPerTensorRank } from './parameters.js';
import type { ChunkLayout } from './stages.js';
import type { Framework, Strategy } from './strategy.js';
import type { MemoryBreakdownBytes } from './types.js';

export interface RankMemoryInputs {
  readonly graph: ModelGraph;
  readonly strategy: Strategy;
  readonly precision: Precision;
  readonly framework: Framework;
  readonly shape: ActivationShape;
}

/** Activations of one micro-batch through one chunk (recomputed layers keep only their input). */
function chunkActivationBytes(chunk: ChunkLayout, x: RankMemoryInputs): number {
  const recomputed =
    x.strategy.recompute === 'full' ? Math.min(chunk.layers, x.strategy.recomputeLayers ?? chunk.layers) : 0;
  const stored = activationBytesPerLayer({
    ...x.shape,
    recompute: x.strategy.recompute === 'full' ? 'none' : x.strategy.recompute,
  });
  const checkpointed = activationBytesPerLayer({ ...x.shape, recompute: 'full' });
  const layers = recomputed * checkpointed + (chunk.layers - recomputed) * stored;
  return layers + (chunk.hasEmbedding ? embeddingActivationBytes(x.shape) : 0);
}

/**
 * Peak bytes on one GPU of pipeline rank r holding `chunks`, with `inFlightMicroBatches` (from
 * the schedule) micro-batches of activations alive at once.
 *  activations = inFlight · Σ_chunks act(chunk) + logits of one micro-batch (last stage)
 *                + one layer's un-recomputed activations as backward working memory
 * @see Korthikanti et al. 2022 §4.2.3 (1F1B keeps p micro-batches on the first stage) and §5
 *      (full recompute materialises one layer at a time during backward)
 */
export function rankMemoryBytes(
  chunks: readonly ChunkLayout[],
  parametersPerGpu: number,
  inFlightMicroBatches: number,
  x: RankMemoryInputs,
): MemoryBreakdownBytes {
  const states = modelStateBytes(
    parametersPerGpu,
    x.strategy.dp,
    x.strategy.zeroStage,
    x.precision,
    x.framework,
  );
  const perMicroBatch = chunks.reduce((sum, c) => sum + chunkActivationBytes(c, x), 0);
  const holdsHead = chunks.some((c) => c.hasLmHead);
  const logits = holdsHead ? outputLayerActivationBytes(x.shape) : 0;
  const workingLayer = activationBytesPerLayer({ ...x.shape, recompute: 'none' });
  const activations = inFlightMicroBatches * perMicroBatch + logits + workingLayer;
  const layerParameters = opParametersPerTensorRank(x.graph.layerOps, x.strategy.tp);
  const gathered = x.strategy.zeroStage === 3 ? zero3GatheredBytes(layerParameters) : 0;
  const buffers = frameworkBufferBytes(x.framework, x.strategy.zeroStage, x.precision);
  const tensors = states.weights + states.gradients + states.optimizer + activations + gathered + buffers;
  const other = RUNTIME_RESERVE_BYTES + ALLOCATOR_FRAGMENTATION_FRACTION * tensors + gathered + buffers;
  return { ...states, activations, other };
}

export function totalBytes(m: MemoryBreakdownBytes): number {
  return m.weights + m.gradients + m.optimizer + m.activations + m.other;
}
