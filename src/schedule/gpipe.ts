import { makeAction } from './action-string.js';
import { buildSchedule, linearPlacement, range } from './schedule-builder.js';
import type { PipelineSchedule } from './types.js';

/**
 * GPipe: every rank runs all m forwards, then all m backwards (full B), in micro-batch order.
 * Peak in-flight: m micro-batches on every rank. Bubble (uniform stages): (p−1)/(m+p−1).
 * @see Huang et al., "GPipe", NeurIPS'19, §2.2 and Fig. 2(c).
 *
 * Example, p = 3, m = 3, T_B = T_F (one column per T_F; digits are micro-batches):
 * ```
 * clock   0  1  2  3  4  5  6  7  8  9
 * rank 0  F0 F1 F2 .  .  .  .  B0 B1 B2
 * rank 1  .  F0 F1 F2 .  .  B0 B1 B2 .
 * rank 2  .  .  F0 F1 F2 B0 B1 B2 .  .
 * ```
 * Every rank idles (p−1)·(T_F+T_B) = 4 columns of the (m+p−1)·(T_F+T_B) = 10.
 */
export function generateGpipe(numRanks: number, numMicroBatches: number): PipelineSchedule {
  const ranks = range(numRanks).map((rank) => [
    ...range(numMicroBatches).map((microBatch) => makeAction('F', rank, microBatch)),
    ...range(numMicroBatches).map((microBatch) => makeAction('B', rank, microBatch)),
  ]);
  return buildSchedule('gpipe', numMicroBatches, 1, 1, linearPlacement(numRanks), ranks);
}
