/** HAP-style batch split LP (HAP, EuroSys'24 §5): closed form when communication is free, equal finish times. */
import { describe, expect, it } from 'vitest';
import { proportionalShares, roundShares, solveBatchSplit } from '../../src/search/hetero/index.js';
import { batchSplitFinishLowerBound } from '../../src/search/hetero/batch-lp.js';

describe('batch split LP', () => {
  it.each([
    ['2 groups, 1:2.5 speed', [0.004, 0.01], 512],
    ['3 groups', [0.003, 0.005, 0.012], 1000],
  ])('%s: matches shares ∝ throughput with free communication', (_, perSeq, batch) => {
    const timings = perSeq.map((s) => ({ fixedSeconds: 0, secondsPerSequence: s, quantum: 1 }));
    const lp = solveBatchSplit(timings, batch);
    expect(lp.status).toBe('optimal');
    const closed = proportionalShares(perSeq, batch);
    lp.shares.forEach((x, g) => expect(x).toBeCloseTo(closed[g] ?? 0, 6));
    const finish = lp.shares.map((x, g) => x * (perSeq[g] ?? 0));
    finish.forEach((f) => expect(f).toBeCloseTo(lp.finishSeconds, 6));
  });

  it('integer shares (multiples of dp·mbs) equalise finish times within 1%', () => {
    const timings = [
      { fixedSeconds: 0.2, secondsPerSequence: 0.004, quantum: 8 },
      { fixedSeconds: 0.3, secondsPerSequence: 0.0101, quantum: 4 },
    ];
    const batch = 2048;
    const lp = solveBatchSplit(timings, batch);
    const shares = roundShares(timings, lp.shares, batch);
    expect(shares).not.toBeNull();
    const s = shares ?? [];
    expect(s.reduce((a, b) => a + b, 0)).toBe(batch);
    expect((s[0] ?? 0) % 8).toBe(0);
    expect((s[1] ?? 0) % 4).toBe(0);
    const finish = s.map(
      (x, g) => (timings[g]?.fixedSeconds ?? 0) + x * (timings[g]?.secondsPerSequence ?? 0),
    );
    expect(Math.max(...finish) / Math.min(...finish)).toBeLessThan(1.01);
    // Fixed costs shift work to the group with the smaller fixed part.
    expect(lp.finishSeconds).toBeCloseTo(0.2 + (lp.shares[0] ?? 0) * 0.004, 6);
  });

  it('reports no rounding when the quanta cannot cover the batch', () => {
    const timings = [{ fixedSeconds: 0, secondsPerSequence: 1, quantum: 3 }];
    expect(roundShares(timings, [10], 10)).toBeNull();
  });

  it('the closed-form (water-filling) optimum equals the LP solver on random instances', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + Math.floor(random() * 3);
      const timings = Array.from({ length: n }, () => ({
        fixedSeconds: random() < 0.3 ? 0 : random() * 2,
        secondsPerSequence: 0.001 + random() * 0.02,
        quantum: 1,
      }));
      const batch = 64 + Math.floor(random() * 1000);
      const lp = solveBatchSplit(timings, batch);
      expect(batchSplitFinishLowerBound(timings, batch)).toBeCloseTo(lp.finishSeconds, 6);
    }
  });
});
