import { buildSchedule, linearPlacement, range } from './schedule-builder.js';
import type { PipelineSchedule } from './types.js';
import { greedyZeroBubbleOrder } from './zero-bubble-greedy.js';

/**
 * ZB-H1: 1F1B's memory (rank r holds at most min(p−r, m) micro-batches in flight, so its warmup
 * is 1F1B's) with B split into I and W; W's are deferred to fill the bubbles, so the backward
 * chain crosses each stage in T_I. Bubble per rank: (p−1)·(T_F + T_I − T_W), a third of 1F1B's
 * (p−1)·(T_F + T_I + T_W) when T_F = T_I = T_W. Built by the greedy engine (zero-bubble-greedy.ts)
 * with cap p−r; on the unit clock it reaches that bound.
 * @see Qi et al., "Zero Bubble Pipeline Parallelism", ICLR'24, §3.1, Fig. 3 (top), Table 1.
 *
 * Example, p = 3, m = 4, T_F = T_I = T_W (one column per unit; "I1" = input grad of mb 1):
 * ```
 * clock   0  1  2  3  4  5  6  7  8  9  10 11 12 13
 * rank 0  F0 F1 F2 .  .  I0 F3 I1 W0 I2 W1 I3 W2 W3
 * rank 1  .  F0 F1 .  I0 F2 I1 F3 I2 W0 I3 W1 W2 W3
 * rank 2  .  .  F0 I0 F1 I1 F2 I2 F3 I3 W0 W1 W2 W3
 * ```
 */
export function generateZbH1(numRanks: number, numMicroBatches: number): PipelineSchedule {
  const stageToRank = linearPlacement(numRanks);
  const ranks = greedyZeroBubbleOrder({
    numMicroBatches,
    stageToRank,
    inFlightCapPerRank: range(numRanks).map((rank) => numRanks - rank),
  });
  return buildSchedule('zb-h1', numMicroBatches, 1, 1, stageToRank, ranks);
}
