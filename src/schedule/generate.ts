import { generateGpipe } from './gpipe.js';
import { generateInterleavedOneFOneB } from './interleaved-1f1b.js';
import { generateOneFOneB } from './one-f-one-b.js';
import { generateSeqSliceOneFOneB } from './seq-slice-1f1b.js';
import type { PipelineSchedule, ScheduleRequest } from './types.js';
import { resolveRequest } from './validate-request.js';
import { generateZbH1 } from './zb-h1.js';
import { generateZbH2 } from './zb-h2.js';
import { generateZbV } from './zb-v.js';

/**
 * Per-rank action lists for one training step of the requested schedule. Throws
 * ScheduleInputError on invalid p, m, v or k (see validate-request.ts). Deterministic.
 */
export function generateSchedule(request: ScheduleRequest): PipelineSchedule {
  const { kind, numRanks, numMicroBatches, chunksPerRank, slicesPerMicroBatch } =
    resolveRequest(request);
  switch (kind) {
    case 'gpipe':
      return generateGpipe(numRanks, numMicroBatches);
    case '1f1b':
      return generateOneFOneB(numRanks, numMicroBatches);
    case 'interleaved-1f1b':
      return generateInterleavedOneFOneB(numRanks, numMicroBatches, chunksPerRank);
    case 'zb-h1':
      return generateZbH1(numRanks, numMicroBatches);
    case 'zb-h2':
      return generateZbH2(numRanks, numMicroBatches);
    case 'zb-v':
      return generateZbV(numRanks, numMicroBatches);
    case 'seq-slice-1f1b':
      return generateSeqSliceOneFOneB(numRanks, numMicroBatches, slicesPerMicroBatch);
  }
}
