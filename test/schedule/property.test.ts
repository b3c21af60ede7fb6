// Every generated schedule is complete and deadlock-free under the simulator's dependency
// check, for p in 1..16 and m in p..4p, and its PyTorch CSV is well-formed.
import { describe, expect, it } from 'vitest';
import {
  CSV_CELL_PATTERN,
  actionToString,
  generateSchedule,
  parseAction,
  scheduleToCsv,
  simulateSchedule,
} from '../../src/schedule/index.js';
import { requestsFor, uniformCosts } from './fixtures.js';

const RANKS = Array.from({ length: 16 }, (_, index) => index + 1);

describe('generated schedules are valid', () => {
  it.each(RANKS)('p=%i, m = p..4p, every kind', (p) => {
    let checked = 0;
    const badCells: string[] = [];
    for (let m = p; m <= 4 * p; m += 1) {
      for (const request of requestsFor(p, m)) {
        const schedule = generateSchedule(request);
        // Uneven costs so that ties do not hide an ordering bug.
        const costs = uniformCosts(schedule.numStages, 1, 1.25, 0.75);
        const result = simulateSchedule(schedule, costs);
        const units = schedule.numStages * m * schedule.slicesPerMicroBatch;
        if (result.timeline.length < 2 * units || !(result.makespanSeconds > 0)) {
          throw new Error(`${JSON.stringify(request)}: incomplete timeline`);
        }
        const cells = scheduleToCsv(schedule)
          .trimEnd()
          .split('\n')
          .flatMap((row) => row.split(','));
        badCells.push(...cells.filter((cell) => !CSV_CELL_PATTERN.test(cell)));
        checked += 1;
      }
    }
    expect(badCells).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});

describe('action strings round-trip', () => {
  it.each(['0F0', '1I0', '1W0', '1B0', '12F345', '3B2:s1'])('%s', (text) => {
    const action = parseAction(text);
    expect(action).not.toBeNull();
    if (action !== null) expect(actionToString(action)).toBe(text);
  });

  it.each(['', 'F0', '0X1', '0F', '-1F0', '0F0:s'])('rejects %j', (text) => {
    expect(parseAction(text)).toBeNull();
  });
});
