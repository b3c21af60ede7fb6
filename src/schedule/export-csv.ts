/**
 * PyTorch torch.distributed.pipelining "compute_only" CSV: one row per rank, one cell per
 * action, cells "<stage><F|I|W|B><microBatch>" ("0F0", "1I0", "1W0", "1B0"), comma-separated,
 * newline-terminated rows. A slice-level schedule has no slice field in that format, so a
 * (micro-batch i, slice j) unit is written as micro-batch i·k + j, where k = slices per
 * micro-batch; PyTorch then runs m·k micro-batches, one per slice.
 * @see PyTorch, torch/distributed/pipelining/schedules.py, `_Action.from_str`,
 *   `PipelineScheduleMulti._load_csv` (format="compute_only").
 */
import type { Action, PipelineSchedule } from './types.js';

/** Every cell this module writes matches this pattern. */
export const CSV_CELL_PATTERN = /^(\d+)(F|I|W|B)(\d+)$/;

export function actionToCsvCell(action: Action, slicesPerMicroBatch: number): string {
  const flatMicroBatch = action.microBatch * slicesPerMicroBatch + (action.slice ?? 0);
  return `${action.stage}${action.kind}${flatMicroBatch}`;
}

export function scheduleToCsv(schedule: PipelineSchedule): string {
  return schedule.ranks
    .map((actions) =>
      actions.map((a) => actionToCsvCell(a, schedule.slicesPerMicroBatch)).join(','),
    )
    .map((row) => `${row}\n`)
    .join('');
}
