import { buildSchedule, range, vShapePlacement } from './schedule-builder.js';
import type { PipelineSchedule } from './types.js';
import { greedyZeroBubbleOrder } from './zero-bubble-greedy.js';

/**
 * ZB-V: 2 chunks per rank placed V-shaped (rank r holds stages r and 2p−1−r, so the first and
 * the last stage share rank 0), B split into I and W. This is a greedy construction, not the
 * paper's handcrafted one: the engine in zero-bubble-greedy.ts with a cap of 2p chunk-units per
 * rank, the activation memory of 1F1B's rank 0 when a chunk holds half a rank's layers. F's of
 * the second chunk are never held back (they finish micro-batches that are already admitted).
 * @see Qi et al., "Pipeline Parallelism with Controllable Memory", NeurIPS'24 (V-shape building
 *   blocks, ZB-V); Qi et al., ICLR'24, §4 (greedy scheduling).
 *
 * Example, p = 2, m = 2, T_F = T_I = T_W per chunk (one column per unit; cells stage.mb;
 * simulated, so idle shows as "."; note rank 0 holds stages 0 and 3):
 * ```
 * clock   0    1    2    3    4    5    6    7    8    9    10   11   12
 * rank 0  F0.0 F0.1 .    F3.0 I3.0 F3.1 I3.1 I0.0 W3.0 I0.1 W3.1 W0.0 W0.1
 * rank 1  .    F1.0 F2.0 F1.1 F2.1 I2.0 I1.0 I2.1 I1.1 W2.0 W1.0 W2.1 W1.1
 * ```
 */
export function generateZbV(numRanks: number, numMicroBatches: number): PipelineSchedule {
  const stageToRank = vShapePlacement(numRanks);
  const ranks = greedyZeroBubbleOrder({
    numMicroBatches,
    stageToRank,
    inFlightCapPerRank: range(numRanks).map(() => 2 * numRanks),
  });
  return buildSchedule('zb-v', numMicroBatches, 2, 1, stageToRank, ranks);
}
