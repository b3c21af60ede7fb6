/**
 * The list-scheduling engine behind zb-h1, zb-h2 and zb-v. It plays the pipeline forward on a
 * nominal clock where F, I and W each take one unit (T_F = T_I = T_W, p2p free, the setting of
 * the handcrafted schedules in Qi et al. ICLR'24 §3) and, whenever a rank is free, starts:
 *   1. the oldest ready I (backward for inputs): it unblocks the previous stage, so the
 *      backward chain crosses the pipeline at T_I per stage instead of T_B = T_I + T_W;
 *      ties between chunks go to the later stage;
 *   2. else a ready F, the later stage first; an F on the rank's first-held stage (which admits
 *      a new micro-batch into the rank) only while the rank's in-flight count (F done, I not
 *      done, summed over its chunks) is below its cap — this is the memory limit that tells the
 *      schedules apart;
 *   3. else the oldest pending W (weight gradient), which fills what would be a bubble;
 *   4. else it idles until the next unit.
 * The resulting per-rank order is static: any other stage costs can run it (it is a linear
 * extension of the dependency DAG), they only make it less tight.
 * @see Qi et al., "Zero Bubble Pipeline Parallelism", ICLR'24, §3 (handcrafted schedules) and
 *   §4 (automatic scheduling: greedy with a memory limit, W to fill bubbles).
 */
import { makeAction } from './action-string.js';
import { invariant } from '../base/index.js';
import { range } from './schedule-builder.js';
import type { Action } from './types.js';

export interface GreedyZeroBubbleInput {
  readonly numMicroBatches: number;
  readonly stageToRank: readonly number[];
  /** Per rank: most (stage, micro-batch) units in flight before the rank admits another. */
  readonly inFlightCapPerRank: readonly number[];
}

interface EngineState {
  readonly m: number;
  readonly numStages: number;
  /** Nominal end time of F / I for index stage·m + microBatch; Infinity = not yet run. */
  readonly forwardEnd: Float64Array;
  readonly inputGradEnd: Float64Array;
  readonly nextForward: Int32Array;
  readonly nextInputGrad: Int32Array;
  readonly inFlight: Int32Array;
  readonly pendingWeightGrads: Action[][];
}

function readyInputGrad(state: EngineState, stages: readonly number[], now: number): Action | null {
  let best: Action | null = null;
  for (const stage of stages) {
    const microBatch = state.nextInputGrad[stage] ?? state.m;
    if (microBatch >= state.m) continue;
    const forwardDone = (state.forwardEnd[stage * state.m + microBatch] ?? Infinity) <= now;
    const isLast = stage === state.numStages - 1;
    const nextDone =
      isLast || (state.inputGradEnd[(stage + 1) * state.m + microBatch] ?? Infinity) <= now;
    if (forwardDone && nextDone && (best === null || microBatch < best.microBatch)) {
      best = makeAction('I', stage, microBatch);
    }
  }
  return best;
}

function readyForward(
  state: EngineState,
  stages: readonly number[],
  rank: number,
  cap: number,
  now: number,
): Action | null {
  const entryStage = Math.min(...stages);
  for (const stage of stages) {
    const microBatch = state.nextForward[stage] ?? state.m;
    if (microBatch >= state.m) continue;
    const inputDone =
      stage === 0 || (state.forwardEnd[(stage - 1) * state.m + microBatch] ?? Infinity) <= now;
    const admitted = stage !== entryStage || (state.inFlight[rank] ?? 0) < cap;
    if (inputDone && admitted) return makeAction('F', stage, microBatch);
  }
  return null;
}

function start(state: EngineState, rank: number, action: Action, end: number): void {
  const index = action.stage * state.m + action.microBatch;
  const pending = state.pendingWeightGrads[rank];
  invariant(pending !== undefined, `rank ${rank} has no W queue`);
  switch (action.kind) {
    case 'F':
      state.forwardEnd[index] = end;
      state.nextForward[action.stage] = action.microBatch + 1;
      state.inFlight[rank] = (state.inFlight[rank] ?? 0) + 1;
      return;
    case 'I':
      state.inputGradEnd[index] = end;
      state.nextInputGrad[action.stage] = action.microBatch + 1;
      state.inFlight[rank] = (state.inFlight[rank] ?? 0) - 1;
      pending.push(makeAction('W', action.stage, action.microBatch));
      return;
    case 'W':
      pending.shift();
      return;
    case 'B':
      invariant(false, 'the zero-bubble engine never emits a full B');
  }
}

/** Per-rank action lists (F, I, W) built greedily on the unit clock; see the file comment. */
export function greedyZeroBubbleOrder(input: GreedyZeroBubbleInput): Action[][] {
  const { numMicroBatches: m, stageToRank, inFlightCapPerRank } = input;
  const numStages = stageToRank.length;
  const numRanks = inFlightCapPerRank.length;
  const stagesOfRank = range(numRanks).map((rank) =>
    range(numStages)
      .filter((stage) => stageToRank[stage] === rank)
      .reverse(),
  );
  const state: EngineState = {
    m,
    numStages,
    forwardEnd: new Float64Array(numStages * m).fill(Infinity),
    inputGradEnd: new Float64Array(numStages * m).fill(Infinity),
    nextForward: new Int32Array(numStages),
    nextInputGrad: new Int32Array(numStages),
    inFlight: new Int32Array(numRanks),
    pendingWeightGrads: range(numRanks).map(() => []),
  };
  const orders: Action[][] = range(numRanks).map(() => []);
  const total = numStages * m * 3;
  let emitted = 0;
  for (let now = 0; emitted < total; now += 1) {
    let progressed = false;
    for (let rank = 0; rank < numRanks; rank += 1) {
      const stages = stagesOfRank[rank] ?? [];
      const cap = inFlightCapPerRank[rank] ?? 0;
      const action =
        readyInputGrad(state, stages, now) ??
        readyForward(state, stages, rank, cap, now) ??
        state.pendingWeightGrads[rank]?.[0] ??
        null;
      if (action === null) continue;
      start(state, rank, action, now + 1);
      orders[rank]?.push(action);
      emitted += 1;
      progressed = true;
    }
    // Every action lasts one unit, so a unit in which no rank starts anything leaves the state
    // unchanged for ever: that would be a deadlock, a bug in the caps or priorities.
    invariant(progressed, `zero-bubble engine stalled at unit ${now}`);
  }
  return orders;
}
