/**
 * Small shared pieces of the generators: stage placements and the 1F1B interleaving of a
 * forward list with a backward list.
 */
import type { Action, PipelineSchedule, ScheduleKind } from './types.js';

export function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/** One chunk per rank: stage s on rank s. */
export function linearPlacement(numRanks: number): number[] {
  return range(numRanks);
}

/** v chunks per rank, round-robin: stage c·p + r on rank r (Narayanan et al. 2021 §2.2.2). */
export function interleavedPlacement(numRanks: number, chunksPerRank: number): number[] {
  return range(numRanks * chunksPerRank).map((stage) => stage % numRanks);
}

/** Two chunks per rank, V-shaped: rank r holds stages r and 2p−1−r (Qi et al. 2024, ZB-V). */
export function vShapePlacement(numRanks: number): number[] {
  return range(2 * numRanks).map((stage) => (stage < numRanks ? stage : 2 * numRanks - 1 - stage));
}

/**
 * The 1F1B order (PipeDream-Flush): `warmup` forwards, then alternate one forward and one
 * backward, then the remaining backwards. forwards.length must equal backwards.length.
 * @see Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using
 *   Megatron-LM", SC'21, §2.2.1.
 */
export function oneForwardOneBackward<T>(
  forwards: readonly T[],
  backwards: readonly T[],
  warmup: number,
): T[] {
  const order: T[] = forwards.slice(0, warmup);
  const steady = forwards.length - warmup;
  for (let index = 0; index < steady; index += 1) {
    const forward = forwards[warmup + index];
    const backward = backwards[index];
    if (forward !== undefined) order.push(forward);
    if (backward !== undefined) order.push(backward);
  }
  order.push(...backwards.slice(steady));
  return order;
}

export function buildSchedule(
  kind: ScheduleKind,
  numMicroBatches: number,
  chunksPerRank: number,
  slicesPerMicroBatch: number,
  stageToRank: readonly number[],
  ranks: readonly (readonly Action[])[],
): PipelineSchedule {
  return {
    kind,
    numRanks: ranks.length,
    numStages: stageToRank.length,
    numMicroBatches,
    chunksPerRank,
    slicesPerMicroBatch,
    stageToRank,
    ranks,
  };
}
