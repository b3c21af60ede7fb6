import { describe, expect, it } from 'vitest';
import { closedFormPipeline } from '../../src/costmodel/pipeline.js';
import type { ScheduleKind } from '../../src/costmodel/strategy.js';

const uniform = (schedule: ScheduleKind, p: number, m: number, v = 1) =>
  closedFormPipeline({
    schedule,
    pp: p,
    virtualStages: v,
    numMicroBatches: m,
    slices: 1,
    chunks: [],
    ranks: Array.from({ length: p }, () => ({ forward: 1, backwardInput: 1, backwardWeight: 1 })),
  });

describe('closed-form pipeline (Narayanan SC21 §2.2, Zero Bubble Table 1)', () => {
  it.each([
    [4, 8],
    [8, 32],
    [16, 16],
  ])('1F1B with p=%i, m=%i: (m+p−1)·t and bubble (p−1)/(m+p−1)', (p, m) => {
    const t = uniform('1f1b', p, m);
    expect(t.makespanSeconds).toBe((m + p - 1) * 3);
    expect(1 - (m * 3) / t.makespanSeconds).toBeCloseTo((p - 1) / (m + p - 1), 12);
    expect(t.inFlightMicroBatches).toEqual(Array.from({ length: p }, (_, r) => Math.min(p - r, m)));
  });
  it('interleaved with v chunks: bubble (p−1)/(v·m+p−1)', () => {
    const [p, m, v] = [4, 8, 2];
    const t = uniform('interleaved-1f1b', p, m, v);
    expect(1 - (m * 3) / t.makespanSeconds).toBeCloseTo((p - 1) / (v * m + p - 1), 12);
    // rank 0 holds L·(1 + (p−1)/(p·v)) layers' worth = p·(1 + (p−1)/(pv)) micro-batches of one stage
    expect(t.inFlightMicroBatches[0]).toBeCloseTo(p * (1 + (p - 1) / (p * v)), 12);
  });
  it('ZB-H1 bubble (p−1)(F+I−W) is a third of 1F1B when F=I=W; ZB-H2 is zero', () => {
    const [p, m] = [8, 24];
    const bubble = (k: ScheduleKind) => uniform(k, p, m).makespanSeconds - m * 3;
    expect(bubble('zb-h1')).toBeCloseTo(bubble('1f1b') / 3, 12);
    expect(bubble('zb-h2')).toBe(0);
  });
});
