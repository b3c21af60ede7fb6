// Peak in-flight micro-batches (F done, I/B not finished) per rank.
import { describe, expect, it } from 'vitest';
import { generateSchedule, simulateSchedule, type ScheduleKind } from '../../src/schedule/index.js';
import { uniformCosts } from './fixtures.js';

function peaks(kind: ScheduleKind, p: number, m: number): readonly number[] {
  const schedule = generateSchedule({ kind, numRanks: p, numMicroBatches: m });
  return simulateSchedule(schedule, uniformCosts(schedule.numStages, 1, 1, 1))
    .peakInFlightMicroBatches;
}

const SIZES: [number, number][] = [
  [1, 3],
  [2, 2],
  [4, 3],
  [4, 8],
  [8, 8],
  [8, 20],
];

describe('peak in-flight micro-batches', () => {
  it.each(SIZES)('gpipe p=%i m=%i: m on every rank', (p, m) => {
    expect(peaks('gpipe', p, m)).toEqual(new Array<number>(p).fill(m));
  });

  it.each(SIZES)('1f1b and zb-h1 p=%i m=%i: min(p − rank, m)', (p, m) => {
    const want = Array.from({ length: p }, (_, rank) => Math.min(p - rank, m));
    expect(peaks('1f1b', p, m)).toEqual(want);
    expect(peaks('zb-h1', p, m)).toEqual(want);
  });

  it.each([
    [2, 4],
    [4, 8],
    [8, 16],
    [8, 30],
  ])('zb-h2 p=%i m=%i: rank 0 holds about 2p (within [2p−2, 2p]), twice 1f1b', (p, m) => {
    const rank0 = peaks('zb-h2', p, m)[0] ?? 0;
    expect(rank0).toBeGreaterThanOrEqual(2 * p - 2);
    expect(rank0).toBeLessThanOrEqual(2 * p);
  });

  it('zb-v holds at most 2p chunk-units per rank (1f1b rank 0 memory with half-size chunks)', () => {
    for (const [p, m] of [
      [2, 4],
      [4, 8],
      [8, 16],
    ] as const) {
      for (const peak of peaks('zb-v', p, m)) expect(peak).toBeLessThanOrEqual(2 * p);
    }
  });

  it('peak activation bytes follow the per-stage activation sizes', () => {
    const schedule = generateSchedule({ kind: '1f1b', numRanks: 4, numMicroBatches: 8 });
    const result = simulateSchedule(schedule, {
      ...uniformCosts(4, 1, 1, 1),
      activationBytesPerMicroBatch: [100, 100, 100, 100],
    });
    expect(result.peakActivationBytes).toEqual([400, 300, 200, 100]);
  });

  it('seq-slice-1f1b holds min(p − rank + k − 1, m·k) slices', () => {
    const [p, m, k] = [4, 6, 4];
    const schedule = generateSchedule({
      kind: 'seq-slice-1f1b',
      numRanks: p,
      numMicroBatches: m,
      slices: k,
    });
    const result = simulateSchedule(schedule, uniformCosts(p, 1, 1, 1));
    expect(result.peakInFlightMicroBatches).toEqual([7, 6, 5, 4]);
  });
});
