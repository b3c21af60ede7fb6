/**
 * The simulator's step-level numbers without its timeline, for a search that times thousands of
 * finalists (issue #13). A schedule is compiled once into typed arrays (per action: kind, stage,
 * the slots it waits on and the slots it completes); each simulation then allocates a handful of
 * typed arrays and no object per action. It runs simulate.ts's algorithm — every rank runs its list
 * in order, an action starts at max(rank free, each dependency's end + its p2p delay) — and every
 * start is that maximum whatever order the ranks are advanced in, so the makespan, per-rank busy
 * sums (accumulated in list order, as summarizeTimeline sums them) and spans are bit-identical to
 * simulateSchedule's (test/schedule/simulate-timing.test.ts compares them on every schedule kind).
 */
import { checkScheduleComplete } from './check-schedule.js';
import { resolveCosts } from './resolve-costs.js';
import { simulateSchedule } from './simulate.js';
import type { ActionKind, PipelineSchedule, StageCosts } from './types.js';
import {
  NUM_SLOTS,
  SLOT_FORWARD,
  SLOT_INPUT_GRAD,
  SLOT_WEIGHT_GRAD,
  numUnits,
  unitIndex,
} from './unit-index.js';

const KIND_CODE: Record<ActionKind, number> = { F: 0, I: 1, W: 2, B: 3 };
/** Dependencies an action can have (simulate.ts dependenciesOf: at most three). */
const MAX_DEPS = 3;
const NO_SLOT = -1;

/** A schedule's action lists as flat typed arrays; independent of durations. */
export interface CompiledSchedule {
  readonly schedule: PipelineSchedule;
  /** Actions of rank r are rankStart[r] .. rankStart[r + 1] − 1. */
  readonly rankStart: Int32Array;
  readonly kind: Uint8Array;
  readonly stage: Int32Array;
  /** depSlot[MAX_DEPS·a + i]: the slot action a waits on, NO_SLOT when none. */
  readonly depSlot: Int32Array;
  /** depDelayStage[MAX_DEPS·a + i]: the p2p boundary whose delay is added, −1 for none. */
  readonly depDelayStage: Int32Array;
  /** The one or two slots action a completes (the second NO_SLOT unless a is a B). */
  readonly doneSlot: Int32Array;
  /** Per rank: peak units in flight (F started, I/B not finished); a property of the order. */
  readonly peakInFlight: readonly number[];
}

/** Step-level numbers of one simulation, as simulateSchedule reports them (no timeline). */
export interface ScheduleTiming {
  readonly makespanSeconds: number;
  readonly bubbleFractionPerRank: readonly number[];
  readonly bubbleFraction: number;
  readonly peakInFlightMicroBatches: readonly number[];
  /** Per rank: start of its first action and end of its last (0 and 0 for an empty list). */
  readonly firstStartSeconds: readonly number[];
  readonly lastEndSeconds: readonly number[];
}

function peakInFlightOf(schedule: PipelineSchedule): number[] {
  return schedule.ranks.map((actions) => {
    let inFlight = 0;
    let peak = 0;
    for (const action of actions) {
      if (action.kind === 'F') peak = Math.max(peak, ++inFlight);
      else if (action.kind !== 'W') inFlight -= 1;
    }
    return peak;
  });
}

const inRange = (value: number, count: number): boolean =>
  Number.isInteger(value) && value >= 0 && value < count;

/**
 * checkScheduleComplete's conditions, counted in one pass over typed arrays: every action in
 * range and on its stage's rank, each (kind, unit) at most once, no unit mixing B with I/W, and
 * every unit with its F and either B or I and W. On any failure checkScheduleComplete itself names
 * the first bad action.
 */
function checkComplete(schedule: PipelineSchedule): void {
  const { numStages: stages, numMicroBatches: m, slicesPerMicroBatch: k } = schedule;
  const units = numUnits(schedule);
  const seen = new Uint8Array(4 * units);
  let ok = schedule.ranks.length === schedule.numRanks && schedule.stageToRank.length === stages;
  schedule.ranks.forEach((actions, rank) => {
    for (const { kind, stage, microBatch, slice = 0 } of actions) {
      ok &&= inRange(stage, stages) && inRange(microBatch, m) && inRange(slice, k);
      ok &&= schedule.stageToRank[stage] === rank;
      const at = KIND_CODE[kind] * units + unitIndex(schedule, stage, microBatch, slice);
      ok &&= seen[at] === 0;
      seen[at] = 1;
    }
  });
  for (let unit = 0; ok && unit < units; unit++) {
    const [f, i, w, b] = [0, 1, 2, 3].map((code) => seen[code * units + unit] === 1);
    ok = f === true && (b === true ? !i && !w : i === true && w === true);
  }
  if (!ok) checkScheduleComplete(schedule);
}

/** Writes action a's dependencies (simulate.ts dependenciesOf, same order) into the arrays. */
function writeDependencies(
  c: CompiledSchedule,
  a: number,
  kind: ActionKind,
  unit: number,
  stage: number,
): void {
  const { numStages, numMicroBatches: m, slicesPerMicroBatch: k } = c.schedule;
  const units = numStages * m * k;
  const slice = unit % k;
  const stageStride = m * k;
  // Up to three (slot, delay boundary) pairs; no closure: this runs once per action.
  let slot0 = NO_SLOT;
  let delay0 = -1;
  let slot1 = NO_SLOT;
  let delay1 = -1;
  let slot2 = NO_SLOT;
  if (kind === 'F') {
    if (stage > 0) {
      slot0 = SLOT_FORWARD * units + unit - stageStride;
      delay0 = stage - 1;
    }
    if (slice > 0) {
      if (slot0 === NO_SLOT) slot0 = SLOT_FORWARD * units + unit - 1;
      else slot1 = SLOT_FORWARD * units + unit - 1;
    }
  } else if (kind === 'W') {
    slot0 = SLOT_INPUT_GRAD * units + unit;
  } else {
    slot0 = SLOT_FORWARD * units + unit;
    if (stage < numStages - 1) {
      slot1 = SLOT_INPUT_GRAD * units + unit + stageStride;
      delay1 = stage;
    }
    if (slice < k - 1) {
      if (slot1 === NO_SLOT) slot1 = SLOT_INPUT_GRAD * units + unit + 1;
      else slot2 = SLOT_INPUT_GRAD * units + unit + 1;
    }
  }
  const i = MAX_DEPS * a;
  c.depSlot[i] = slot0;
  c.depSlot[i + 1] = slot1;
  c.depSlot[i + 2] = slot2;
  c.depDelayStage[i] = delay0;
  c.depDelayStage[i + 1] = delay1;
}

/** Compile a schedule (checked complete first: ScheduleValidationError otherwise). */
export function compileSchedule(schedule: PipelineSchedule): CompiledSchedule {
  checkComplete(schedule);
  const total = schedule.ranks.reduce((n, actions) => n + actions.length, 0);
  const units = numUnits(schedule);
  const compiled = {
    schedule,
    rankStart: new Int32Array(schedule.numRanks + 1),
    kind: new Uint8Array(total),
    stage: new Int32Array(total),
    depSlot: new Int32Array(MAX_DEPS * total).fill(NO_SLOT),
    depDelayStage: new Int32Array(MAX_DEPS * total).fill(-1),
    doneSlot: new Int32Array(2 * total).fill(NO_SLOT),
    peakInFlight: peakInFlightOf(schedule),
  };
  let a = 0;
  schedule.ranks.forEach((actions, rank) => {
    compiled.rankStart[rank] = a;
    for (const { kind, stage, microBatch, slice = 0 } of actions) {
      compiled.kind[a] = KIND_CODE[kind];
      compiled.stage[a] = stage;
      const unit = unitIndex(schedule, stage, microBatch, slice);
      writeDependencies(compiled, a, kind, unit, stage);
      const first = kind === 'W' ? SLOT_WEIGHT_GRAD : kind === 'F' ? SLOT_FORWARD : SLOT_INPUT_GRAD;
      compiled.doneSlot[2 * a] = first * units + unit;
      if (kind === 'B') compiled.doneSlot[2 * a + 1] = SLOT_WEIGHT_GRAD * units + unit;
      a += 1;
    }
  });
  compiled.rankStart[schedule.numRanks] = a;
  return compiled;
}

/** Per-action-kind durations of each stage: F, I, W, B = I + W, each over the slice count. */
function durationTable(compiled: CompiledSchedule, costs: StageCosts): Float64Array {
  const { numStages, slicesPerMicroBatch: k } = compiled.schedule;
  const table = new Float64Array(4 * numStages);
  for (let s = 0; s < numStages; s++) {
    const input = costs.backwardInputSeconds[s] ?? 0;
    const weight = costs.backwardWeightSeconds[s] ?? 0;
    table[4 * s] = (costs.forwardSeconds[s] ?? 0) / k;
    table[4 * s + 1] = input / k;
    table[4 * s + 2] = weight / k;
    table[4 * s + 3] = (input + weight) / k;
  }
  return table;
}

interface RunState {
  readonly endAt: Float64Array;
  readonly cursor: Int32Array;
  readonly freeAt: Float64Array;
  readonly busy: Float64Array;
  readonly firstStart: Float64Array;
  /** waitHead[slot]: first rank parked on slot + 1 (0 = none); waitNext chains the ranks. */
  readonly waitHead: Int32Array;
  readonly waitNext: Int32Array;
  readonly stack: Int32Array;
  depth: number;
}

/** Runs rank r as far as its dependencies allow; parks it on the first unfinished slot. */
function advance(
  c: CompiledSchedule,
  duration: Float64Array,
  p2pAfter: readonly number[],
  st: RunState,
  rank: number,
): void {
  const end = c.rankStart[rank + 1] ?? 0;
  for (let a = st.cursor[rank] ?? 0; a < end; a++) {
    let start = st.freeAt[rank] ?? 0;
    for (let i = MAX_DEPS * a; i < MAX_DEPS * a + MAX_DEPS; i++) {
      const slot = c.depSlot[i] ?? NO_SLOT;
      if (slot === NO_SLOT) break;
      const done = st.endAt[slot] ?? Number.NaN;
      if (Number.isNaN(done)) {
        st.waitNext[rank] = (st.waitHead[slot] ?? 0) - 1;
        st.waitHead[slot] = rank + 1;
        return;
      }
      const delayStage = c.depDelayStage[i] ?? -1;
      start = Math.max(start, done + (delayStage < 0 ? 0 : (p2pAfter[delayStage] ?? 0)));
    }
    const finish = start + (duration[4 * (c.stage[a] ?? 0) + (c.kind[a] ?? 0)] ?? 0);
    if (a === c.rankStart[rank]) st.firstStart[rank] = start;
    st.busy[rank] = (st.busy[rank] ?? 0) + (finish - start);
    st.freeAt[rank] = finish;
    st.cursor[rank] = a + 1;
    for (let i = 2 * a; i < 2 * a + 2; i++) {
      const slot = c.doneSlot[i] ?? NO_SLOT;
      if (slot === NO_SLOT) break;
      st.endAt[slot] = finish;
      for (let woken = (st.waitHead[slot] ?? 0) - 1; woken >= 0; woken = st.waitNext[woken] ?? -1)
        st.stack[st.depth++] = woken;
      st.waitHead[slot] = 0;
    }
  }
}

function run(c: CompiledSchedule, costs: StageCosts, p2pAfter: readonly number[]): RunState {
  const p = c.schedule.numRanks;
  const st: RunState = {
    endAt: new Float64Array(NUM_SLOTS * numUnits(c.schedule)).fill(Number.NaN),
    cursor: Int32Array.from(c.rankStart.subarray(0, p)),
    freeAt: new Float64Array(p),
    busy: new Float64Array(p),
    firstStart: new Float64Array(p),
    waitHead: new Int32Array(NUM_SLOTS * numUnits(c.schedule)),
    waitNext: new Int32Array(p).fill(-1),
    stack: new Int32Array(p),
    depth: 0,
  };
  // Rank 0 first, as simulate.ts pops its queue (the order changes no number).
  for (let r = p - 1; r >= 0; r--) st.stack[st.depth++] = r;
  const duration = durationTable(c, costs);
  while (st.depth > 0) advance(c, duration, p2pAfter, st, st.stack[--st.depth] ?? 0);
  return st;
}

/**
 * Simulates a compiled schedule's step: simulateSchedule's makespan, bubble fractions and peak
 * in-flight units, bit for bit, plus each rank's first start and last end. Malformed costs or a
 * deadlock raise simulateSchedule's own errors.
 */
export function simulateTiming(c: CompiledSchedule, costs: StageCosts): ScheduleTiming {
  const { schedule } = c;
  const p2pAfter = resolveCosts(schedule, costs).p2pSecondsAfter;
  const st = run(c, costs, p2pAfter);
  const p = schedule.numRanks;
  for (let r = 0; r < p; r++) {
    if ((st.cursor[r] ?? 0) < (c.rankStart[r + 1] ?? 0)) simulateSchedule(schedule, costs);
  }
  const lastEndSeconds = Array.from(st.freeAt);
  // summarizeTimeline: max over ranks of the last entry's end (0 for an empty list), from 0.
  const makespanSeconds = lastEndSeconds.reduce((latest, end) => Math.max(latest, end), 0);
  const bubbleFractionPerRank = Array.from(st.busy, (busySeconds) =>
    makespanSeconds > 0 ? 1 - busySeconds / makespanSeconds : 0,
  );
  return {
    makespanSeconds,
    bubbleFractionPerRank,
    bubbleFraction:
      bubbleFractionPerRank.reduce((sum, f) => sum + f, 0) /
      Math.max(bubbleFractionPerRank.length, 1),
    peakInFlightMicroBatches: c.peakInFlight,
    firstStartSeconds: Array.from(st.firstStart),
    lastEndSeconds,
  };
}
