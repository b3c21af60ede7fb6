import type { ScheduleKind, ScheduleRequest, StageCosts } from '../../src/schedule/index.js';

/** Uniform per-stage costs (seconds per micro-batch per stage). */
export function uniformCosts(
  numStages: number,
  forwardSeconds: number,
  backwardInputSeconds: number,
  backwardWeightSeconds: number,
): StageCosts {
  return {
    forwardSeconds: new Array<number>(numStages).fill(forwardSeconds),
    backwardInputSeconds: new Array<number>(numStages).fill(backwardInputSeconds),
    backwardWeightSeconds: new Array<number>(numStages).fill(backwardWeightSeconds),
  };
}

/** Every request the property test covers for one (p, m), honouring each kind's rules. */
export function requestsFor(numRanks: number, numMicroBatches: number): ScheduleRequest[] {
  const base = { numRanks, numMicroBatches };
  const plain: ScheduleKind[] = ['gpipe', '1f1b', 'zb-h1', 'zb-h2', 'zb-v'];
  const requests: ScheduleRequest[] = plain.map((kind) => ({ kind, ...base }));
  if (numMicroBatches % numRanks === 0) {
    for (const virtualStages of [2, 3, 4]) {
      requests.push({ kind: 'interleaved-1f1b', ...base, virtualStages });
    }
  }
  for (const slices of [1, 2, 4]) requests.push({ kind: 'seq-slice-1f1b', ...base, slices });
  return requests;
}
