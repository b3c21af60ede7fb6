/**
 * Dense numbering of (stage, micro-batch, slice) units and of their completion slots, so the
 * simulator can keep state in typed arrays (O(1) look-ups inside a search loop).
 */
import type { Action, PipelineSchedule } from './types.js';

/** Completion slots: forward done; input gradient done (by I or B); weight gradient done (W or B). */
export const SLOT_FORWARD = 0;
export const SLOT_INPUT_GRAD = 1;
export const SLOT_WEIGHT_GRAD = 2;
export const NUM_SLOTS = 3;

export function numUnits(schedule: PipelineSchedule): number {
  return schedule.numStages * schedule.numMicroBatches * schedule.slicesPerMicroBatch;
}

export function unitIndex(
  schedule: PipelineSchedule,
  stage: number,
  microBatch: number,
  slice: number,
): number {
  return (stage * schedule.numMicroBatches + microBatch) * schedule.slicesPerMicroBatch + slice;
}

export function actionUnitIndex(schedule: PipelineSchedule, action: Action): number {
  return unitIndex(schedule, action.stage, action.microBatch, action.slice ?? 0);
}

export function slotIndex(schedule: PipelineSchedule, slot: number, unit: number): number {
  return slot * numUnits(schedule) + unit;
}
