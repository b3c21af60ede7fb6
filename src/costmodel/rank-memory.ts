/** Peak memory of one pipeline rank: model states, in-flight activations, working set, reserve. */
import type { ModelGraph } from '../graph/index.js';
import type { Precision } from '../hardware-profiles/index.js';
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
import type { ChunkLayout } from './stages.js';
import type { Framework, Strategy } from './strategy.js';
import type { MemoryBreakdownBytes } from './types.js';

/** What the rest of the estimate needs to know about each pipeline rank. */
export interface RankLayout {
  readonly chunks: readonly ChunkLayout[];
  readonly parametersPerGpu: number;
  /** FSDP units (layers + embedding + head) for ZeRO-3 per-unit collectives. */
  readonly fsdpUnits: number;
}

export interface RankMemoryInputs {
  readonly graph: ModelGraph;
  readonly strategy: Strategy;
  readonly precision: Precision;
  readonly framework: Framework;
  readonly shape: ActivationShape;
  /** One transformer layer's parameters on one TP rank. */
  readonly layerParametersPerGpu: number;
}

/** Per-layer and per-stage activation terms, computed once per estimate. */
interface ActivationTerms {
  /** A layer that is not fully recomputed (none / selective storage). */
  readonly storedPerLayer: number;
  /** A fully recomputed layer: only its input is kept. */
  readonly checkpointedPerLayer: number;
  readonly embedding: number;
  readonly logits: number;
  /** One layer's un-recomputed activations, the backward working set. */
  readonly workingLayer: number;
}

export function activationTerms(x: RankMemoryInputs): ActivationTerms {
  const stored = x.strategy.recompute === 'full' ? 'none' : x.strategy.recompute;
  return {
    storedPerLayer: activationBytesPerLayer({ ...x.shape, recompute: stored }),
    checkpointedPerLayer: activationBytesPerLayer({ ...x.shape, recompute: 'full' }),
    embedding: embeddingActivationBytes(x.shape),
    logits: outputLayerActivationBytes(x.shape),
    workingLayer: activationBytesPerLayer({ ...x.shape, recompute: 'none' }),
  };
}

/** Activations of one micro-batch through one chunk (recomputed layers keep only their input). */
function chunkActivationBytes(chunk: ChunkLayout, x: RankMemoryInputs, t: ActivationTerms): number {
  const recomputed =
    x.strategy.recompute === 'full'
      ? Math.min(chunk.layers, x.strategy.recomputeLayers ?? chunk.layers)
      : 0;
  const layers =
    recomputed * t.checkpointedPerLayer + (chunk.layers - recomputed) * t.storedPerLayer;
  return layers + (chunk.hasEmbedding ? t.embedding : 0);
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
  terms: ActivationTerms = activationTerms(x),
): MemoryBreakdownBytes {
  const states = modelStateBytes(
    parametersPerGpu,
    x.strategy.dp,
    x.strategy.zeroStage,
    x.precision,
    x.framework,
  );
  let perMicroBatch = 0;
  let holdsHead = false;
  for (const chunk of chunks) {
    perMicroBatch += chunkActivationBytes(chunk, x, terms);
    holdsHead ||= chunk.hasLmHead;
  }
  const activations =
    inFlightMicroBatches * perMicroBatch + (holdsHead ? terms.logits : 0) + terms.workingLayer;
  const gathered = x.strategy.zeroStage === 3 ? zero3GatheredBytes(x.layerParametersPerGpu) : 0;
  const buffers = frameworkBufferBytes(x.framework, x.strategy.zeroStage, x.precision);
  const tensors =
    states.weights + states.gradients + states.optimizer + activations + gathered + buffers;
  const other =
    RUNTIME_RESERVE_BYTES + ALLOCATOR_FRAGMENTATION_FRACTION * tensors + gathered + buffers;
  return { ...states, activations, other };
}

export function totalBytes(m: MemoryBreakdownBytes): number {
  return m.weights + m.gradients + m.optimizer + m.activations + m.other;
}
