/** Peak memory of one pipeline rank: model states, in-flight activations, working set, reserve. */
import type { ModelGraph } from '../graph/index.js';
import type { DeviceProfile, Precision, RuntimeMemory } from '../hardware-profiles/index.js';
import type { ActivationShape } from './activations.js';
import {
  activationBytesPerLayer,
  embeddingActivationBytes,
  outputLayerActivationBytes,
} from './activations.js';
import { foldedModelStateBytes } from './folded-states.js';
import type { ModelStateBytes } from './model-states.js';
import type { WorkingMemoryBytes } from './working-memory.js';
import { workingMemoryBytes } from './working-memory.js';
import type { ChunkLayout } from './stages.js';
import type { Framework, FsdpParameterDtype, Strategy } from './strategy.js';
import type { MemoryBreakdownBytes } from './types.js';

/** What the rest of the estimate needs to know about each pipeline rank. */
export interface RankLayout {
  readonly chunks: readonly ChunkLayout[];
  readonly parametersPerGpu: number;
  /** FSDP units (layers + embedding + head) for ZeRO-3 per-unit collectives. */
  readonly fsdpUnits: number;
  /**
   * chunksSignature(chunks) (stages.ts), when the builder computed it: ranks with equal
   * signatures are priced once per estimate.
   */
  readonly signature?: string;
}

export interface RankMemoryInputs {
  readonly graph: ModelGraph;
  readonly device: DeviceProfile;
  readonly strategy: Strategy;
  readonly precision: Precision;
  readonly framework: Framework;
  /** Megatron's main grads in fp32 (TrainingConfig.gradientReduceInFp32; absent = true). */
  readonly gradientReduceInFp32?: boolean;
  /** FSDP's resident parameter dtype (TrainingConfig.fsdpParameterDtype; absent = fp32). */
  readonly fsdpParameterDtype?: FsdpParameterDtype;
  readonly shape: ActivationShape;
  /** One transformer layer's parameters on one TP rank. */
  readonly layerParametersPerGpu: number;
}

/** Per-layer and per-stage activation terms, computed once per estimate. */
export interface ActivationTerms {
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

/** The parts of a rank's memory that do not depend on how many micro-batches are in flight. */
export interface RankMemoryParts {
  readonly states: ModelStateBytes;
  /** Activations of one micro-batch through all of the rank's chunks. */
  readonly perMicroBatch: number;
  readonly holdsHead: boolean;
  readonly working: WorkingMemoryBytes;
}

/** Model states, per-micro-batch activations and working buffers of a rank holding `chunks`. */
export function rankMemoryParts(
  chunks: readonly ChunkLayout[],
  parametersPerGpu: number,
  x: RankMemoryInputs,
  terms: ActivationTerms,
): RankMemoryParts {
  const s = x.strategy;
  const states = foldedModelStateBytes(chunks, parametersPerGpu, x);
  let perMicroBatch = 0;
  let holdsHead = false;
  for (const chunk of chunks) {
    perMicroBatch += chunkActivationBytes(chunk, x, terms);
    holdsHead ||= chunk.hasLmHead;
  }
  const working = workingMemoryBytes({
    framework: x.framework,
    precision: x.precision,
    zeroStage: s.zeroStage,
    parametersPerGpu,
    unitParameters: x.layerParametersPerGpu,
    // HSDP shards over the shard group only (FSDP §3.2.2); plain ZeRO over all of dp.
    dp: s.dpShard ?? s.dp,
  });
  return { states, perMicroBatch, holdsHead, working };
}

/**
 * Peak bytes on one GPU of pipeline rank r from its parts (rankMemoryParts), with
 * `inFlightMicroBatches` (from the schedule) micro-batches of activations alive at once.
 *  activations = inFlight · Σ_chunks act(chunk)
 *                + max(logits of one micro-batch (last stage),
 *                      one layer's un-recomputed activations as backward working memory)
 *  (the loss and LM-head backward free the logits before the first layer's backward starts)
 * @see Korthikanti et al. 2022 §4.2.3 (1F1B keeps p micro-batches on the first stage) and §5
 *      (full recompute materialises one layer at a time during backward)
 */
export function rankMemoryFromParts(
  parts: RankMemoryParts,
  inFlightMicroBatches: number,
  x: RankMemoryInputs,
  terms: ActivationTerms,
): MemoryBreakdownBytes {
  const peak = rankPeak(parts, inFlightMicroBatches, x, terms);
  return { ...parts.states, activations: peak.activations, other: peak.other };
}

/** Activations and other bytes at a rank's peak, the two terms that depend on in-flight counts. */
interface RankPeak {
  readonly activations: number;
  readonly other: number;
}

function rankPeak(
  parts: RankMemoryParts,
  inFlightMicroBatches: number,
  x: RankMemoryInputs,
  terms: ActivationTerms,
): RankPeak {
  const { states, perMicroBatch, holdsHead, working } = parts;
  // The logits live from the loss until the LM head's backward, which runs before any layer's
  // backward: they and the layer working set are never alive together.
  const activations =
    inFlightMicroBatches * perMicroBatch +
    Math.max(holdsHead ? terms.logits : 0, terms.workingLayer);
  const stateTotal = states.weights + states.gradients + states.optimizer;
  // The step peaks in backward (activations alive) or at the optimizer step (activations freed).
  const backwardPeak = stateTotal + activations + working.backward;
  const stepPeak = stateTotal + working.optimizerStep;
  const allocatedPeak = Math.max(backwardPeak, stepPeak);
  const runtime = runtimeBytes(x.device.runtimeMemory, x.strategy, allocatedPeak);
  const workingAtPeak = backwardPeak >= stepPeak ? working.backward : working.optimizerStep;
  const activationsAtPeak = backwardPeak >= stepPeak ? activations : 0;
  return { activations: activationsAtPeak, other: workingAtPeak + runtime };
}

/**
 * totalBytes(rankMemoryFromParts(...)) without building the breakdown: the search's memory
 * check runs for every rank of every candidate. The same terms summed in the same order.
 */
export function rankPeakBytesFromParts(
  parts: RankMemoryParts,
  inFlightMicroBatches: number,
  x: RankMemoryInputs,
  terms: ActivationTerms,
): number {
  const peak = rankPeak(parts, inFlightMicroBatches, x, terms);
  const s = parts.states;
  return s.weights + s.gradients + s.optimizer + peak.activations + peak.other;
}

/** Peak bytes on one GPU of a pipeline rank holding `chunks` (see rankMemoryFromParts). */
export function rankMemoryBytes(
  chunks: readonly ChunkLayout[],
  parametersPerGpu: number,
  inFlightMicroBatches: number,
  x: RankMemoryInputs,
  terms: ActivationTerms = activationTerms(x),
): MemoryBreakdownBytes {
  const parts = rankMemoryParts(chunks, parametersPerGpu, x, terms);
  return rankMemoryFromParts(parts, inFlightMicroBatches, x, terms);
}

/**
 * Memory beside the tensors: the CUDA context (outside the caching allocator), NCCL buffers of
 * every communicator in use (TP, DP, PP, CP groups of more than one rank) and the allocator's
 * fragmentation reserve on top of the allocated peak.
 * @see shared/context/framework_memory.md §4 (what every run pays beyond model states)
 */
export function runtimeBytes(
  r: RuntimeMemory,
  s: Pick<Strategy, 'tp' | 'dp' | 'pp' | 'cp' | 'dpShard'>,
  allocatedPeakBytes: number,
): number {
  // Counted without building an array: this runs for every rank of every candidate. HSDP's
  // device mesh has a shard and a replicate dimension: two DP communicators, not one.
  const hybrid = s.dpShard !== undefined && s.dpShard > 1 && s.dpShard < s.dp ? 1 : 0;
  const communicators =
    (s.tp > 1 ? 1 : 0) + (s.dp > 1 ? 1 : 0) + (s.pp > 1 ? 1 : 0) + (s.cp > 1 ? 1 : 0) + hybrid;
  return (
    r.contextBytes +
    communicators * r.ncclBytesPerCommunicator +
    r.allocatorFragmentationFraction * allocatedPeakBytes
  );
}

export function totalBytes(m: MemoryBreakdownBytes): number {
  return m.weights + m.gradients + m.optimizer + m.activations + m.other;
}
