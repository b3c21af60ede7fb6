// The simulator rejects broken lists; generateSchedule rejects bad requests.
import { describe, expect, it } from 'vitest';
import {
  ScheduleInputError,
  ScheduleValidationError,
  generateSchedule,
  simulateSchedule,
  type Action,
  type PipelineSchedule,
} from '../../src/schedule/index.js';
import { uniformCosts } from './fixtures.js';
import { thrownBy } from '../fixtures/thrown.js';

function withRank(
  schedule: PipelineSchedule,
  rank: number,
  actions: readonly Action[],
): PipelineSchedule {
  return { ...schedule, ranks: schedule.ranks.map((list, r) => (r === rank ? actions : list)) };
}

function validationError(schedule: PipelineSchedule): ScheduleValidationError {
  try {
    simulateSchedule(schedule, uniformCosts(schedule.numStages, 1, 1, 1));
  } catch (error) {
    if (error instanceof ScheduleValidationError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleValidationError');
}

describe('simulator rejects broken action lists', () => {
  const good = generateSchedule({ kind: '1f1b', numRanks: 4, numMicroBatches: 8 });
  const rank0 = good.ranks[0] ?? [];

  it('swapping two actions so that a B comes before its own F deadlocks, naming the action', () => {
    // rank 0 starts F0 F1 F2 F3 B0 ...; move B0 to the front.
    const b0 = rank0.findIndex((a) => a.kind === 'B' && a.microBatch === 0);
    const swapped = [...rank0];
    const first = swapped[0];
    const backward = swapped[b0];
    if (first === undefined || backward === undefined) throw new Error('fixture');
    swapped[0] = backward;
    swapped[b0] = first;
    const error = validationError(withRank(good, 0, swapped));
    expect(error.reason).toBe('deadlock');
    expect(error.rank).toBe(0);
    expect(error.index).toBe(0);
    expect(error.action).toBe('0B0');
    expect(error.message).toContain('0B0');
  });

  it('a cross-rank cycle deadlocks: rank 1 waits for a B that waits for rank 1', () => {
    const rank1 = good.ranks[1] ?? [];
    const reordered = [
      ...rank1.filter((a) => a.kind === 'B'),
      ...rank1.filter((a) => a.kind === 'F'),
    ];
    const error = validationError(withRank(good, 1, reordered));
    expect(error.reason).toBe('deadlock');
    expect(error.action).toMatch(/^(\d+)(F|B)(\d+)$/);
  });

  it('a missing action is reported with its rank', () => {
    const error = validationError(
      withRank(
        good,
        2,
        (good.ranks[2] ?? []).filter((a) => !(a.kind === 'B' && a.microBatch === 5)),
      ),
    );
    expect(error.reason).toBe('missing');
    expect(error.rank).toBe(2);
    expect(error.action).toBe('2B5');
  });

  it('a duplicate, a misplaced and a mixed B/I action are reported', () => {
    expect(
      validationError(withRank(good, 0, [...rank0, { kind: 'F', stage: 0, microBatch: 1 }])).reason,
    ).toBe('duplicate');
    expect(
      validationError(withRank(good, 0, [...rank0, { kind: 'F', stage: 1, microBatch: 1 }])).reason,
    ).toBe('wrong-rank');
    expect(
      validationError(withRank(good, 0, [...rank0, { kind: 'F', stage: 0, microBatch: 9 }])).reason,
    ).toBe('out-of-range');
    expect(
      validationError(withRank(good, 0, [...rank0, { kind: 'W', stage: 0, microBatch: 1 }])).reason,
    ).toBe('mixed-backward');
  });

  it('an I without its W is reported as a missing W', () => {
    const zb = generateSchedule({ kind: 'zb-h1', numRanks: 2, numMicroBatches: 2 });
    const error = validationError(
      withRank(
        zb,
        1,
        (zb.ranks[1] ?? []).filter((a) => !(a.kind === 'W' && a.microBatch === 1)),
      ),
    );
    expect(error.reason).toBe('missing');
    expect(error.action).toBe('1W1');
  });
});

describe('generateSchedule validates its request', () => {
  const cases: [string, Parameters<typeof generateSchedule>[0], string, string][] = [
    [
      'p = 0',
      { kind: '1f1b', numRanks: 0, numMicroBatches: 4 },
      'numRanks',
      'numRanks=0 must be a positive integer',
    ],
    [
      'fractional m',
      { kind: 'gpipe', numRanks: 2, numMicroBatches: 2.5 },
      'numMicroBatches',
      'numMicroBatches=2.5',
    ],
    [
      'interleaved m not a multiple of p',
      { kind: 'interleaved-1f1b', numRanks: 4, numMicroBatches: 6, virtualStages: 2 },
      'numMicroBatches',
      'microBatches=6 must be a multiple of pipeline ranks=4 for interleaved-1f1b',
    ],
    [
      'interleaved v = 1',
      { kind: 'interleaved-1f1b', numRanks: 4, numMicroBatches: 8, virtualStages: 1 },
      'virtualStages',
      'at least 2',
    ],
    [
      'zb-v with v = 3',
      { kind: 'zb-v', numRanks: 4, numMicroBatches: 8, virtualStages: 3 },
      'virtualStages',
      'must be 2 for zb-v',
    ],
    [
      '1f1b with v = 2',
      { kind: '1f1b', numRanks: 4, numMicroBatches: 8, virtualStages: 2 },
      'virtualStages',
      'must be 1',
    ],
    [
      'slices = 0',
      { kind: 'seq-slice-1f1b', numRanks: 4, numMicroBatches: 8, slices: 0 },
      'slices',
      'slices=0',
    ],
    [
      'slices on gpipe',
      { kind: 'gpipe', numRanks: 4, numMicroBatches: 8, slices: 2 },
      'slices',
      'only valid for seq-slice-1f1b',
    ],
  ];
  it.each(cases)('%s', (_, request, field, message) => {
    const error = thrownBy(ScheduleInputError, () => generateSchedule(request));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('rejects costs of the wrong length with ScheduleInputError', () => {
    const schedule = generateSchedule({ kind: '1f1b', numRanks: 4, numMicroBatches: 4 });
    expect(() => simulateSchedule(schedule, uniformCosts(3, 1, 1, 1))).toThrow(ScheduleInputError);
    expect(() =>
      simulateSchedule(schedule, { ...uniformCosts(4, 1, 1, 1), p2pSeconds: -1 }),
    ).toThrow(/p2pSeconds/);
  });
});
