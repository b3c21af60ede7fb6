import { makeAction } from './action-string.js';
import {
  buildSchedule,
  linearPlacement,
  oneForwardOneBackward,
  range,
} from './schedule-builder.js';
import type { PipelineSchedule } from './types.js';

/**
 * Slice-level 1F1B: each micro-batch is cut into k sequence slices and each (micro-batch, slice)
 * is one pipeline unit. Forwards run units in order u = microBatch·k + slice (slice j needs slice
 * j−1's keys/values on the same stage: causal attention); backwards run each micro-batch's slices
 * in reverse (slice j's backward needs the K/V gradients from slices > j). Rank r warms up with
 * (p−r−1) + (k−1) forwards, capped at m·k: the extra k−1 let the last stage finish a whole
 * micro-batch forward before its first backward (its last slice). Peak in-flight on rank r:
 * min(p−r+k−1, m·k) slices, i.e. about (p−r)/k + 1 micro-batches' worth of activations.
 * @see Zhao et al., "MEPipe: Democratizing LLM Training with Memory-Efficient Slice-Level
 *   Pipeline Scheduling", EuroSys'25; Li et al., "TeraPipe", ICML'21 (token-level pipelining).
 *
 * Example, p = 2, m = 2, k = 2, T_B = T_F per slice (digits: micro-batch.slice):
 * ```
 * clock   0    1    2    3    4    5    6    7    8    9
 * rank 0  F0.0 F0.1 F1.0 .    B0.1 F1.1 B0.0 .    B1.1 B1.0
 * rank 1  .    F0.0 F0.1 B0.1 F1.0 B0.0 F1.1 B1.1 B1.0 .
 * ```
 */
export function generateSeqSliceOneFOneB(
  numRanks: number,
  numMicroBatches: number,
  slicesPerMicroBatch: number,
): PipelineSchedule {
  const k = slicesPerMicroBatch;
  const units = numMicroBatches * k;
  const ranks = range(numRanks).map((rank) => {
    const forwards = range(units).map((u) => makeAction('F', rank, Math.floor(u / k), u % k));
    const backwards = range(units).map((u) =>
      makeAction('B', rank, Math.floor(u / k), k - 1 - (u % k)),
    );
    const warmup = Math.min(numRanks - rank - 1 + k - 1, units);
    return oneForwardOneBackward(forwards, backwards, warmup);
  });
  return buildSchedule('seq-slice-1f1b', numMicroBatches, 1, k, linearPlacement(numRanks), ranks);
}
