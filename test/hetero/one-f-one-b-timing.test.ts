/** The hetero pipeline's 1F1B timing vs the general simulator: bit-identical on seeded inputs. */
import { describe, expect, it } from 'vitest';
import { generateSchedule, simulateSchedule } from '../../src/schedule/index.js';
import { oneFOneBTiming } from '../../src/search/hetero/one-f-one-b-timing.js';
import { seededRandom } from '../fixtures/seeded-random.js';

describe('oneFOneBTiming equals simulateSchedule on 1F1B', () => {
  const random = seededRandom(13);
  const cases = Array.from({ length: 60 }, (_, i) => {
    const pp = 1 + Math.floor(random() * 12);
    const m = i % 3 === 0 ? pp : pp + Math.floor(random() * 40);
    const per = (): number[] => Array.from({ length: pp }, () => 0.001 + random() * 0.05);
    return { pp, m, forward: per(), input: per(), weight: per() };
  });
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const passes = {
      forwardSeconds: c.forward,
      backwardInputSeconds: c.input,
      backwardWeightSeconds: c.weight,
    };
    const schedule = generateSchedule({ kind: '1f1b', numRanks: c.pp, numMicroBatches: c.m });
    const simulated = simulateSchedule(schedule, passes);
    const fast = oneFOneBTiming(passes, c.m);
    expect(fast.makespanSeconds).toBe(simulated.makespanSeconds);
    expect(fast.peakInFlightMicroBatches).toEqual(simulated.peakInFlightMicroBatches);
  });
});
