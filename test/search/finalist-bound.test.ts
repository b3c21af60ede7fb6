// The finalist bound (src/search/finalist-bound.ts) lets the planner skip simulating finalists
// that cannot be answered; it is only safe if it never exceeds the simulated step. Checked on
// every schedule kind with uneven, pseudo-random stage costs.
import { describe, expect, it } from 'vitest';
import type { PipelineTimingInput } from '../../src/costmodel/index.js';
import { createSimulatedPipelineModel } from '../../src/schedule/index.js';
import { AnsweredThreshold, simulatedMakespanLowerBound } from '../../src/search/finalist-bound.js';
import type { Feasible } from '../../src/search/refine.js';
import { strategyWith } from '../fixtures/strategy.js';
import { requestsFor } from '../schedule/fixtures.js';

function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 0.1 + (3 * state) / 2 ** 31;
  };
}

describe('simulatedMakespanLowerBound', () => {
  it.each([2, 3, 4, 8])('never exceeds the simulated step, p=%i, every kind', (p) => {
    const next = randomSource(p);
    const simulated = createSimulatedPipelineModel();
    let tightest = 0;
    for (const m of [1, p - 1, p, 2 * p + 1, 4 * p]) {
      if (m < 1) continue;
      for (const request of requestsFor(p, m)) {
        const chunks = request.kind === 'zb-v' ? 2 : (request.virtualStages ?? 1);
        const input: PipelineTimingInput = {
          schedule: request.kind,
          pp: p,
          virtualStages: request.virtualStages ?? 1,
          numMicroBatches: m,
          slices: request.slices ?? 1,
          ranks: [],
          chunks: Array.from({ length: p * chunks }, () => ({
            forward: next(),
            backwardInput: next(),
            backwardWeight: next(),
          })),
        };
        const bound = simulatedMakespanLowerBound(input);
        const step = simulated(input).makespanSeconds;
        expect(bound).toBeLessThanOrEqual(step);
        tightest = Math.max(tightest, bound / step);
      }
    }
    expect(tightest).toBeGreaterThan(0.5);
  });
});

describe('AnsweredThreshold', () => {
  const finalist = (dp: number, seconds: number): Feasible =>
    ({
      strategy: strategyWith({ dp }),
      estimate: { stepTimeSeconds: seconds },
    }) as unknown as Feasible;

  it('is the keep-th best time over distinct shapes, +∞ until that many are seen', () => {
    const threshold = new AnsweredThreshold(2);
    threshold.add(finalist(1, 5));
    expect(threshold.seconds).toBe(Number.POSITIVE_INFINITY);
    // The same shape again counts once, at its better time.
    threshold.add(finalist(1, 3));
    expect(threshold.seconds).toBe(Number.POSITIVE_INFINITY);
    threshold.add(finalist(2, 7));
    expect(threshold.seconds).toBe(7);
    threshold.add(finalist(4, 4));
    expect(threshold.seconds).toBe(4);
  });
});
