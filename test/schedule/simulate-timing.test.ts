// The planner's timing-only simulation (simulate-timing.ts, timing-model.ts) reports exactly what
// the full simulator does — bit for bit — on every schedule kind with uneven, pseudo-random stage
// costs and p2p delays, so plans keep the step times POST /v1/estimates gives them.
import { describe, expect, it } from 'vitest';
import type { PipelineTimingInput } from '../../src/costmodel/index.js';
import {
  ScheduleValidationError,
  checkScheduleComplete,
  compileSchedule,
  createSimulatedPipelineModel,
  createTimingPipelineModel,
  generateSchedule,
  simulateSchedule,
  simulateTiming,
} from '../../src/schedule/index.js';
import type { StageCosts } from '../../src/schedule/index.js';
import { requestsFor } from './fixtures.js';

/** Deterministic pseudo-random numbers in [0.5, 1.5) (a linear congruential generator). */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 0.5 + state / 2 ** 31;
  };
}

function unevenCosts(numStages: number, next: () => number): StageCosts {
  const per = (scale: number): number[] =>
    Array.from({ length: numStages }, () => scale * next() * 1e-3);
  return {
    forwardSeconds: per(1),
    backwardInputSeconds: per(1.1),
    backwardWeightSeconds: per(0.9),
    p2pSeconds: Array.from({ length: Math.max(numStages - 1, 0) }, () => next() * 1e-5),
  };
}

describe('timing-only simulation equals simulateSchedule', () => {
  it.each([1, 2, 3, 4, 7, 8])('p=%i, several m, every kind', (p) => {
    const next = randomSource(p);
    let checked = 0;
    for (const m of [p, p + 1, 2 * p, 3 * p + 2]) {
      for (const request of requestsFor(p, m)) {
        const schedule = generateSchedule(request);
        const costs = unevenCosts(schedule.numStages, next);
        const full = simulateSchedule(schedule, costs);
        const fast = simulateTiming(compileSchedule(schedule), costs);
        expect(fast.makespanSeconds).toBe(full.makespanSeconds);
        expect(fast.bubbleFractionPerRank).toEqual(full.bubbleFractionPerRank);
        expect(fast.bubbleFraction).toBe(full.bubbleFraction);
        expect(fast.peakInFlightMicroBatches).toEqual(full.peakInFlightMicroBatches);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the timing model answers the simulated model’s step time and in-flight counts', () => {
    const next = randomSource(42);
    const full = createSimulatedPipelineModel();
    const fast = createTimingPipelineModel();
    for (const request of requestsFor(4, 8)) {
      const schedule = generateSchedule(request);
      const chunk = (): PipelineTimingInput['chunks'][number] => ({
        forward: next(),
        backwardInput: next(),
        backwardWeight: next(),
      });
      const input: PipelineTimingInput = {
        schedule: request.kind,
        pp: 4,
        virtualStages: request.virtualStages ?? 1,
        numMicroBatches: 8,
        slices: request.slices ?? 1,
        ranks: [],
        chunks: Array.from({ length: schedule.numStages }, chunk),
      };
      const expected = full(input);
      const answered = fast(input);
      expect(answered.makespanSeconds).toBe(expected.makespanSeconds);
      expect(answered.inFlightMicroBatches).toEqual(expected.inFlightMicroBatches);
      // Asked again, the memo answers the same object.
      expect(fast(input)).toBe(answered);
    }
  });

  it('a deadlocked list raises the simulator’s error', () => {
    const schedule = generateSchedule({ kind: '1f1b', numRanks: 2, numMicroBatches: 2 });
    const swapped = {
      ...schedule,
      ranks: [schedule.ranks[0] ?? [], [...(schedule.ranks[1] ?? [])].reverse()],
    };
    const costs = unevenCosts(2, randomSource(1));
    expect(() => simulateTiming(compileSchedule(swapped), costs)).toThrow(/deadlock/);
  });

  it('an incomplete or duplicated list is refused as checkScheduleComplete refuses it', () => {
    const schedule = generateSchedule({ kind: 'zb-h1', numRanks: 3, numMicroBatches: 4 });
    const [first = [], ...rest] = schedule.ranks;
    const variants = [
      { ...schedule, ranks: [[...first, ...first.slice(0, 1)], ...rest] },
      { ...schedule, ranks: [first.slice(1), ...rest] },
      { ...schedule, ranks: [...rest, first] },
    ];
    for (const bad of variants) {
      expect(() => checkScheduleComplete(bad)).toThrow(ScheduleValidationError);
      expect(() => compileSchedule(bad)).toThrow(ScheduleValidationError);
    }
  });
});
