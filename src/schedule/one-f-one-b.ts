import { makeAction } from './action-string.js';
import {
  buildSchedule,
  linearPlacement,
  oneForwardOneBackward,
  range,
} from './schedule-builder.js';
import type { PipelineSchedule } from './types.js';

/**
 * 1F1B (PipeDream-Flush): rank r runs min(p−r−1, m) warmup forwards, then alternates one
 * forward and one full backward, then drains the remaining backwards. Peak in-flight on rank r:
 * min(p−r, m). Bubble (uniform stages): (p−1)/(m+p−1), the same as GPipe, with less memory.
 * @see Narayanan et al., SC'21, §2.2 (Fig. 4, top); Narayanan et al., "Memory-Efficient
 *   Pipeline-Parallel DNN Training", ICML'21 (PipeDream-Flush).
 *
 * Example, p = 3, m = 4, T_B = 2·T_F (one column per T_F; "B1 -" = B of micro-batch 1
 * over two columns; "." = idle; drawn from simulateSchedule):
 * ```
 * clock   0  1  2  3  4  5  6  7  8  9  10 11 12 13 14 15 16 17
 * rank 0  F0 F1 F2 .  .  .  .  B0 -  F3 B1 -  .  B2 -  .  B3 -
 * rank 1  .  F0 F1 .  .  B0 -  F2 B1 -  F3 B2 -  .  B3 -  .  .
 * rank 2  .  .  F0 B0 -  F1 B1 -  F2 B2 -  F3 B3 -  .  .  .  .
 * ```
 */
export function generateOneFOneB(numRanks: number, numMicroBatches: number): PipelineSchedule {
  const ranks = range(numRanks).map((rank) => {
    const forwards = range(numMicroBatches).map((microBatch) => makeAction('F', rank, microBatch));
    const backwards = range(numMicroBatches).map((microBatch) => makeAction('B', rank, microBatch));
    const warmup = Math.min(numRanks - rank - 1, numMicroBatches);
    return oneForwardOneBackward(forwards, backwards, warmup);
  });
  return buildSchedule('1f1b', numMicroBatches, 1, 1, linearPlacement(numRanks), ranks);
}
