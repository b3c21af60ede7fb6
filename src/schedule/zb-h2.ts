import { buildSchedule, linearPlacement, range } from './schedule-builder.js';
import type { PipelineSchedule } from './types.js';
import { greedyZeroBubbleOrder } from './zero-bubble-greedy.js';

/**
 * ZB-H2: a longer warmup — rank r admits up to 2(p−r)−1 micro-batches (2p−1 on rank 0, about
 * twice 1F1B's memory) — so each rank keeps busy from its first F to its last W: the step is a
 * parallelogram and, with T_F = T_I = T_W and m ≥ 2p, the makespan is m·(T_F+T_I+T_W) + (p−1)·T_F
 * (the F chain's fill, which the paper overlaps with the next step by bypassing optimizer
 * synchronization). Built by the greedy engine (zero-bubble-greedy.ts) with cap 2(p−r)−1.
 * @see Qi et al., "Zero Bubble Pipeline Parallelism", ICLR'24, §3.1, Fig. 3 (bottom), Table 1,
 *   and §4.3 (bypassing optimizer synchronizations).
 *
 * Example, p = 3, m = 6, T_F = T_I = T_W (one column per unit):
 * ```
 * clock   0  1  2  3  4  5  6  7  8  9  10 11 12 13 14 15 16 17 18 19
 * rank 0  F0 F1 F2 F3 F4 I0 F5 I1 W0 I2 W1 I3 W2 I4 W3 I5 W4 W5 .  .
 * rank 1  .  F0 F1 F2 I0 F3 I1 F4 I2 F5 I3 W0 I4 W1 I5 W2 W3 W4 W5 .
 * rank 2  .  .  F0 I0 F1 I1 F2 I2 F3 I3 F4 I4 F5 I5 W0 W1 W2 W3 W4 W5
 * ```
 */
export function generateZbH2(numRanks: number, numMicroBatches: number): PipelineSchedule {
  const stageToRank = linearPlacement(numRanks);
  const ranks = greedyZeroBubbleOrder({
    numMicroBatches,
    stageToRank,
    inFlightCapPerRank: range(numRanks).map((rank) => 2 * (numRanks - rank) - 1),
  });
  return buildSchedule('zb-h2', numMicroBatches, 1, 1, stageToRank, ranks);
}
