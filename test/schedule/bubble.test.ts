// Bubble fractions: simulator vs closed forms (STYLE.md §11 a/c), and the zero-bubble claims.
import { describe, expect, it } from 'vitest';
import {
  bubbleFractionInterleaved,
  bubbleFractionOneFOneB,
  bubbleSecondsZbH1,
  generateSchedule,
  simulateSchedule,
  type SimulationResult,
} from '../../src/schedule/index.js';
import { uniformCosts } from './fixtures.js';

const EXACT = 1e-9;
const SIZES: [number, number][] = [
  [2, 2],
  [2, 8],
  [4, 4],
  [4, 8],
  [4, 16],
  [8, 8],
  [8, 24],
];
/** (T_F, T_I, T_W) per micro-batch per rank: T_B = T_F, T_B = 2·T_F, and a B without W. */
const TIMES: [number, number, number][] = [
  [1, 0.5, 0.5],
  [1, 1, 1],
  [0.003, 0.004, 0.002],
  [1, 1, 0],
];

/** Idle seconds of one rank between its first start and its last end. */
function innerIdleSeconds(result: SimulationResult, rank: number): number {
  const entries = result.timeline.filter((e) => e.rank === rank);
  const busy = entries.reduce((sum, e) => sum + e.endSeconds - e.startSeconds, 0);
  const first = entries[0]?.startSeconds ?? 0;
  const last = entries.at(-1)?.endSeconds ?? 0;
  return last - first - busy;
}

function run(
  kind: 'gpipe' | '1f1b' | 'zb-h1' | 'zb-h2',
  p: number,
  m: number,
  t: [number, number, number],
): SimulationResult {
  const schedule = generateSchedule({ kind, numRanks: p, numMicroBatches: m });
  return simulateSchedule(schedule, uniformCosts(p, ...t));
}

describe('bubble fraction equals the closed form with uniform stages and free p2p', () => {
  for (const kind of ['gpipe', '1f1b'] as const) {
    it.each(SIZES)(`${kind} p=%i m=%i: (p−1)/(m+p−1) on every rank`, (p, m) => {
      for (const t of TIMES) {
        const result = run(kind, p, m, t);
        for (const fraction of result.bubbleFractionPerRank) {
          expect(fraction).toBeCloseTo(bubbleFractionOneFOneB(p, m), 9);
        }
        expect(Math.abs(result.bubbleFraction - bubbleFractionOneFOneB(p, m))).toBeLessThan(EXACT);
      }
    });
  }

  const interleaved: [number, number, number][] = [
    [2, 2, 2],
    [2, 6, 3],
    [4, 4, 2],
    [4, 8, 2],
    [4, 8, 4],
    [8, 16, 2],
    [8, 8, 3],
  ];
  it.each(interleaved)('interleaved-1f1b p=%i m=%i v=%i: (p−1)/(v·m+p−1)', (p, m, v) => {
    const schedule = generateSchedule({
      kind: 'interleaved-1f1b',
      numRanks: p,
      numMicroBatches: m,
      virtualStages: v,
    });
    for (const [f, i, w] of TIMES) {
      // A rank's per-micro-batch time is split evenly over its v chunks.
      const result = simulateSchedule(schedule, uniformCosts(p * v, f / v, i / v, w / v));
      expect(Math.abs(result.bubbleFraction - bubbleFractionInterleaved(p, m, v))).toBeLessThan(
        EXACT,
      );
    }
  });
});

describe('zero-bubble schedules with T_F = T_I = T_W = 1', () => {
  const ZB_SIZES: [number, number][] = [
    [2, 4],
    [3, 6],
    [4, 8],
    [4, 13],
    [6, 12],
    [8, 16],
    [8, 32],
  ];

  // ZB paper Table 1: idle per rank (p−1)(T_F+T_I−T_W) = p−1 against 1F1B's 3(p−1): exactly a
  // third in idle seconds. As a fraction of the (shorter) ZB-H1 step that is a bit more than a
  // third: ratio = (3m+3p−3) / (3·(3m+p−1)), which we assert exactly too.
  it.each(ZB_SIZES)('zb-h1 p=%i m=%i: idle = (p−1)(T_F+T_I−T_W), one third of 1F1B', (p, m) => {
    const zb = run('zb-h1', p, m, [1, 1, 1]);
    const ofb = run('1f1b', p, m, [1, 1, 1]);
    const zbIdle = zb.makespanSeconds * zb.bubbleFraction;
    const ofbIdle = ofb.makespanSeconds * ofb.bubbleFraction;
    expect(zbIdle).toBeCloseTo(bubbleSecondsZbH1(p, 1, 1, 1), 9);
    expect(zbIdle).toBeCloseTo(ofbIdle / 3, 9);
    expect(zb.bubbleFraction / ofb.bubbleFraction).toBeCloseTo(
      (3 * m + 3 * p - 3) / (3 * (3 * m + p - 1)),
      9,
    );
  });

  // ZB-H2 is a parallelogram: no rank idles between its first F and its last action, and the
  // step lasts m·(T_F+T_I+T_W) + (p−1)·T_F — the only idle time is the F chain's fill on the
  // left and its mirror on the right, which the paper overlaps across steps (§4.3).
  it.each(ZB_SIZES)('zb-h2 p=%i m=%i: no idle inside any rank, makespan 3m + p − 1', (p, m) => {
    const result = run('zb-h2', p, m, [1, 1, 1]);
    expect(result.makespanSeconds).toBeCloseTo(3 * m + (p - 1), 9);
    for (let rank = 0; rank < p; rank += 1)
      expect(innerIdleSeconds(result, rank)).toBeCloseTo(0, 9);
  });

  it('zb-h2 is never slower than zb-h1, which is never slower than 1f1b (p=4, m=8, mixed times)', () => {
    for (const t of [
      [1, 1, 1],
      [1, 2, 2],
      [2, 1, 1],
    ] as [number, number, number][]) {
      const [ofb, h1, h2] = (['1f1b', 'zb-h1', 'zb-h2'] as const).map(
        (k) => run(k, 4, 8, t).makespanSeconds,
      );
      expect(h1).toBeLessThanOrEqual((ofb ?? 0) + EXACT);
      expect(h2).toBeLessThanOrEqual((h1 ?? 0) + EXACT);
    }
  });
});

describe('heterogeneous stages', () => {
  it('runs with a different forward time per stage; makespan ≥ m × the slowest stage', () => {
    const p = 4;
    const m = 8;
    const costs = {
      forwardSeconds: [1, 3, 2, 1.5],
      backwardInputSeconds: [1, 2, 2, 3],
      backwardWeightSeconds: [1, 1, 2, 0.5],
      p2pSeconds: 0.1,
    };
    const slowest = Math.max(
      ...costs.forwardSeconds.map(
        (f, s) => f + (costs.backwardInputSeconds[s] ?? 0) + (costs.backwardWeightSeconds[s] ?? 0),
      ),
    );
    for (const kind of ['gpipe', '1f1b', 'zb-h1', 'zb-h2', 'seq-slice-1f1b'] as const) {
      const schedule = generateSchedule({ kind, numRanks: p, numMicroBatches: m });
      const result = simulateSchedule(schedule, costs);
      expect(result.makespanSeconds).toBeGreaterThanOrEqual(m * slowest - EXACT);
      expect(result.bubbleFraction).toBeGreaterThan(0);
    }
  });

  it('p2p time lengthens the step, and only across ranks', () => {
    const schedule = generateSchedule({ kind: '1f1b', numRanks: 4, numMicroBatches: 8 });
    const free = simulateSchedule(schedule, uniformCosts(4, 1, 1, 1));
    const paid = simulateSchedule(schedule, {
      ...uniformCosts(4, 1, 1, 1),
      p2pSeconds: [0.5, 0.5, 0.5],
    });
    // At least the fill and the drain each cross 3 boundaries: ≥ 2 · 3 · 0.5 s more.
    expect(paid.makespanSeconds).toBeGreaterThanOrEqual(free.makespanSeconds + 3 - EXACT);
    // zb-v with p = 1 puts both stages on rank 0: the boundary costs nothing.
    const v = generateSchedule({ kind: 'zb-v', numRanks: 1, numMicroBatches: 4 });
    const local = simulateSchedule(v, { ...uniformCosts(2, 1, 1, 1), p2pSeconds: 7 });
    expect(local.makespanSeconds).toBeCloseTo(
      simulateSchedule(v, uniformCosts(2, 1, 1, 1)).makespanSeconds,
      9,
    );
  });
});
