/**
 * Discrete-event simulation of per-rank action lists. Each rank runs its list strictly in order,
 * one action at a time; an action starts when its rank is free and its dependencies are done:
 *   F(s, mb, j)   after F(s−1, mb, j) + p2p(s−1)        and, for slices, F(s, mb, j−1);
 *   I|B(s, mb, j) after F(s, mb, j), after I|B(s+1, mb, j) + p2p(s) (none on the last stage)
 *                 and, for slices, after I|B(s, mb, j+1) (causal attention's K/V gradients);
 *   W(s, mb, j)   after I(s, mb, j).
 * p2p is zero between stages on one rank. Costs are per micro-batch; a slice costs 1/k of it
 * (uniform slices — causal attention makes later slices somewhat dearer; not modelled).
 * Cost: O(actions): every rank keeps a cursor, a blocked rank waits on one completion slot and is
 * woken when that slot completes. No progress with work left is a deadlock and is reported.
 */
import { actionToString } from './action-string.js';
import { checkScheduleComplete } from './check-schedule.js';
import { ScheduleValidationError } from './errors.js';
import { resolveCosts, type ResolvedCosts } from './resolve-costs.js';
import { summarizeTimeline } from './simulate-metrics.js';
import type {
  Action,
  PipelineSchedule,
  SimulationResult,
  StageCosts,
  TimelineEntry,
} from './types.js';
import {
  NUM_SLOTS,
  SLOT_FORWARD,
  SLOT_INPUT_GRAD,
  SLOT_WEIGHT_GRAD,
  numUnits,
  slotIndex,
  unitIndex,
} from './unit-index.js';

interface Dependency {
  readonly slot: number;
  readonly delaySeconds: number;
}

function dependenciesOf(
  schedule: PipelineSchedule,
  costs: ResolvedCosts,
  action: Action,
): Dependency[] {
  const { stage, microBatch: mb } = action;
  const slice = action.slice ?? 0;
  const at = (slot: number, s: number, j: number): number =>
    slotIndex(schedule, slot, unitIndex(schedule, s, mb, j));
  const deps: Dependency[] = [];
  switch (action.kind) {
    case 'F':
      if (stage > 0)
        deps.push({
          slot: at(SLOT_FORWARD, stage - 1, slice),
          delaySeconds: costs.p2pSecondsAfter[stage - 1] ?? 0,
        });
      if (slice > 0) deps.push({ slot: at(SLOT_FORWARD, stage, slice - 1), delaySeconds: 0 });
      return deps;
    case 'I':
    case 'B':
      deps.push({ slot: at(SLOT_FORWARD, stage, slice), delaySeconds: 0 });
      if (stage < schedule.numStages - 1)
        deps.push({
          slot: at(SLOT_INPUT_GRAD, stage + 1, slice),
          delaySeconds: costs.p2pSecondsAfter[stage] ?? 0,
        });
      if (slice < schedule.slicesPerMicroBatch - 1)
        deps.push({ slot: at(SLOT_INPUT_GRAD, stage, slice + 1), delaySeconds: 0 });
      return deps;
    case 'W':
      deps.push({ slot: at(SLOT_INPUT_GRAD, stage, slice), delaySeconds: 0 });
      return deps;
  }
}

function durationSeconds(schedule: PipelineSchedule, costs: ResolvedCosts, action: Action): number {
  const s = action.stage;
  const input = costs.backwardInputSeconds[s] ?? 0;
  const weight = costs.backwardWeightSeconds[s] ?? 0;
  const perMicroBatch = { F: costs.forwardSeconds[s] ?? 0, I: input, W: weight, B: input + weight }[
    action.kind
  ];
  return perMicroBatch / schedule.slicesPerMicroBatch;
}

function completedSlots(kind: Action['kind']): readonly number[] {
  switch (kind) {
    case 'F':
      return [SLOT_FORWARD];
    case 'I':
      return [SLOT_INPUT_GRAD];
    case 'W':
      return [SLOT_WEIGHT_GRAD];
    case 'B':
      return [SLOT_INPUT_GRAD, SLOT_WEIGHT_GRAD];
  }
}

interface RunState {
  readonly endSeconds: Float64Array;
  readonly cursor: Int32Array;
  readonly freeAtSeconds: Float64Array;
  /** waiters[slot]: ranks parked until that slot completes (sparse). */
  readonly waiters: (number[] | undefined)[];
  readonly queue: number[];
  readonly entries: TimelineEntry[][];
}

/** Runs rank r as far as its dependencies allow; parks it on the first unfinished one. */
function advanceRank(
  schedule: PipelineSchedule,
  costs: ResolvedCosts,
  state: RunState,
  rank: number,
): void {
  const actions = schedule.ranks[rank] ?? [];
  for (let index = state.cursor[rank] ?? 0; index < actions.length; index += 1) {
    const action = actions[index];
    if (action === undefined) return;
    let startSeconds = state.freeAtSeconds[rank] ?? 0;
    for (const dep of dependenciesOf(schedule, costs, action)) {
      const end = state.endSeconds[dep.slot] ?? Number.NaN;
      if (Number.isNaN(end)) {
        const parked = state.waiters[dep.slot];
        if (parked === undefined) state.waiters[dep.slot] = [rank];
        else parked.push(rank);
        return;
      }
      startSeconds = Math.max(startSeconds, end + dep.delaySeconds);
    }
    const endSeconds = startSeconds + durationSeconds(schedule, costs, action);
    state.freeAtSeconds[rank] = endSeconds;
    state.cursor[rank] = index + 1;
    state.entries[rank]?.push({ rank, action, startSeconds, endSeconds });
    const unit = unitIndex(schedule, action.stage, action.microBatch, action.slice ?? 0);
    for (const slot of completedSlots(action.kind)) {
      const at = slotIndex(schedule, slot, unit);
      state.endSeconds[at] = endSeconds;
      for (const woken of state.waiters[at] ?? []) state.queue.push(woken);
      state.waiters[at] = undefined;
    }
  }
}

function throwDeadlock(schedule: PipelineSchedule, cursor: Int32Array): never {
  const rank = schedule.ranks.findIndex((actions, r) => (cursor[r] ?? 0) < actions.length);
  const index = cursor[rank] ?? 0;
  const action = schedule.ranks[rank]?.[index];
  const text = action === undefined ? '' : actionToString(action);
  throw new ScheduleValidationError(
    'deadlock',
    rank,
    index,
    text,
    `deadlock: rank ${rank} action #${index} (${text}) waits on work that can never run`,
  );
}

/**
 * Simulates one step of `schedule` under `costs`. Throws ScheduleInputError for malformed costs
 * and ScheduleValidationError for a list that is incomplete, misplaced or deadlocks.
 */
export function simulateSchedule(schedule: PipelineSchedule, costs: StageCosts): SimulationResult {
  checkScheduleComplete(schedule);
  const resolved = resolveCosts(schedule, costs);
  const p = schedule.numRanks;
  const state: RunState = {
    endSeconds: new Float64Array(NUM_SLOTS * numUnits(schedule)).fill(Number.NaN),
    cursor: new Int32Array(p),
    freeAtSeconds: new Float64Array(p),
    waiters: [],
    queue: Array.from({ length: p }, (_, rank) => p - 1 - rank),
    entries: Array.from({ length: p }, () => []),
  };
  for (let rank = state.queue.pop(); rank !== undefined; rank = state.queue.pop()) {
    advanceRank(schedule, resolved, state, rank);
  }
  if (schedule.ranks.some((actions, rank) => (state.cursor[rank] ?? 0) < actions.length)) {
    throwDeadlock(schedule, state.cursor);
  }
  return summarizeTimeline(schedule, resolved, state.entries);
}
