/**
 * Closed-form pipeline bubble fractions, for reference and for testing the simulator.
 * Bubble fraction = idle time / step time on a rank (1 − busy/makespan), uniform stage times,
 * free p2p, p ranks, m micro-batches.
 */

/**
 * GPipe and 1F1B: (p−1)/(m+p−1). Each rank idles (p−1)·(T_F+T_B) of a step lasting
 * (m+p−1)·(T_F+T_B).
 * @see Huang et al., GPipe, NeurIPS'19, §2.2; Narayanan et al., SC'21, §2.2.1 (bubble time
 *   fraction (p−1)/m of the ideal time, i.e. (p−1)/(m+p−1) of the step).
 */
export function bubbleFractionOneFOneB(numRanks: number, numMicroBatches: number): number {
  return (numRanks - 1) / (numMicroBatches + numRanks - 1);
}

/**
 * Interleaved 1F1B with v chunks per rank: (p−1)/(v·m+p−1). The fill and drain shrink to
 * (p−1)·(T_F+T_B)/v while the work stays m·(T_F+T_B).
 * @see Narayanan et al., SC'21, §2.2.2 (bubble time fraction (1/v)·(p−1)/m of the ideal time).
 */
export function bubbleFractionInterleaved(
  numRanks: number,
  numMicroBatches: number,
  virtualStages: number,
): number {
  return (numRanks - 1) / (virtualStages * numMicroBatches + numRanks - 1);
}

/**
 * Idle seconds per rank of ZB-H1: (p−1)·(T_F + T_I − T_W), against 1F1B's (p−1)·(T_F+T_I+T_W).
 * Holds when T_W ≤ T_F and T_W ≤ T_I (the paper's assumption).
 * @see Qi et al., "Zero Bubble Pipeline Parallelism", ICLR'24, Table 1 ("bubble size").
 */
export function bubbleSecondsZbH1(
  numRanks: number,
  forwardSeconds: number,
  backwardInputSeconds: number,
  backwardWeightSeconds: number,
): number {
  return (numRanks - 1) * (forwardSeconds + backwardInputSeconds - backwardWeightSeconds);
}
