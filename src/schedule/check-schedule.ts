/**
 * Static checks of per-rank action lists before simulation: every action in range and on the
 * rank that holds its stage, and every required action present exactly once — per
 * (stage, micro-batch, slice): one F, and either one B or one I and one W.
 */
import { actionToString, makeAction } from './action-string.js';
import { ScheduleValidationError, type ScheduleValidationReason } from './errors.js';
import type { Action, ActionKind, PipelineSchedule } from './types.js';
import { actionUnitIndex, numUnits } from './unit-index.js';

const KIND_OFFSET: Record<ActionKind, number> = { F: 0, I: 1, W: 2, B: 3 };

function fail(
  reason: ScheduleValidationReason,
  rank: number,
  index: number,
  action: Action,
  why: string,
): never {
  const text = actionToString(action);
  throw new ScheduleValidationError(
    reason,
    rank,
    index,
    text,
    `rank ${rank} action #${index} (${text}): ${why}`,
  );
}

function isIndexIn(value: number, count: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < count;
}

function checkPlacement(
  schedule: PipelineSchedule,
  rank: number,
  index: number,
  action: Action,
): void {
  const { numStages, numMicroBatches, slicesPerMicroBatch, stageToRank } = schedule;
  const outOfRange = (why: string): never => fail('out-of-range', rank, index, action, why);
  if (!isIndexIn(action.stage, numStages)) outOfRange(`stage outside 0..${numStages - 1}`);
  if (!isIndexIn(action.microBatch, numMicroBatches))
    outOfRange(`micro-batch outside 0..${numMicroBatches - 1}`);
  if (!isIndexIn(action.slice ?? 0, slicesPerMicroBatch))
    outOfRange(`slice outside 0..${slicesPerMicroBatch - 1}`);
  const holder = stageToRank[action.stage];
  if (holder !== rank)
    fail('wrong-rank', rank, index, action, `stage ${action.stage} is held by rank ${holder}`);
}

function countActions(schedule: PipelineSchedule): Uint8Array {
  const units = numUnits(schedule);
  const counts = new Uint8Array(units * 4);
  schedule.ranks.forEach((actions, rank) => {
    actions.forEach((action, index) => {
      checkPlacement(schedule, rank, index, action);
      const unit = actionUnitIndex(schedule, action);
      const at = KIND_OFFSET[action.kind] * units + unit;
      if ((counts[at] ?? 0) > 0) fail('duplicate', rank, index, action, 'appears more than once');
      const hasB = (counts[KIND_OFFSET.B * units + unit] ?? 0) > 0;
      const hasSplit =
        (counts[KIND_OFFSET.I * units + unit] ?? 0) + (counts[KIND_OFFSET.W * units + unit] ?? 0) >
        0;
      if (
        (action.kind === 'B' && hasSplit) ||
        ((action.kind === 'I' || action.kind === 'W') && hasB)
      ) {
        fail(
          'mixed-backward',
          rank,
          index,
          action,
          'mixes a full B with a split I/W for the same unit',
        );
      }
      counts[at] = 1;
    });
  });
  return counts;
}

/** The missing action of one unit, or null when the unit is complete. */
function missingKind(counts: Uint8Array, units: number, unit: number): ActionKind | null {
  const has = (kind: ActionKind): boolean => (counts[KIND_OFFSET[kind] * units + unit] ?? 0) > 0;
  if (!has('F')) return 'F';
  if (has('B')) return null;
  if (has('I') && !has('W')) return 'W';
  if (!has('I')) return has('W') ? 'I' : 'B';
  return null;
}

/** Throws ScheduleValidationError naming the first bad or missing action. */
export function checkScheduleComplete(schedule: PipelineSchedule): void {
  if (
    schedule.ranks.length !== schedule.numRanks ||
    schedule.stageToRank.length !== schedule.numStages
  ) {
    throw new ScheduleValidationError(
      'bad-rank-count',
      0,
      0,
      '',
      `schedule has ${schedule.ranks.length} rank lists and ${schedule.stageToRank.length} stages; expected ${schedule.numRanks} and ${schedule.numStages}`,
    );
  }
  const counts = countActions(schedule);
  const units = numUnits(schedule);
  const { numMicroBatches: m, slicesPerMicroBatch: k } = schedule;
  for (let unit = 0; unit < units; unit += 1) {
    const kind = missingKind(counts, units, unit);
    if (kind === null) continue;
    const stage = Math.floor(unit / (m * k));
    const rank = schedule.stageToRank[stage] ?? 0;
    const slice = k > 1 ? unit % k : undefined;
    const action = makeAction(kind, stage, Math.floor(unit / k) % m, slice);
    const index = schedule.ranks[rank]?.length ?? 0;
    fail('missing', rank, index, action, `missing from rank ${rank}'s list`);
  }
}
