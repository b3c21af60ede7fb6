/** Small pure facts about a plan that several exporters share. */
import type { Plan } from '../plan/index.js';

/** Transformer layers per pipeline chunk, in pipeline (chunk) order, read from the plan's layout. */
export function layersPerChunk(plan: Plan): number[] {
  return [...plan.layout].sort((a, b) => a.chunk - b.chunk).map((p) => p.numLayers);
}

/** True when every chunk holds the same number of layers. */
export function isEvenSplit(split: readonly number[]): boolean {
  return split.every((n) => n === split[0]);
}

/** Sequences one data-parallel replica processes per step: microBatchSize × numMicroBatches. */
export function sequencesPerReplica(plan: Plan): number {
  return plan.strategy.microBatchSize * plan.strategy.numMicroBatches;
}
