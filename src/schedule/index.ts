/**
 * The schedule room's door: generate per-rank pipeline action lists, simulate them, and export
 * them (PyTorch CSV, Chrome trace, SVG). Pure: no I/O.
 */
export type {
  Action,
  ActionKind,
  PipelineSchedule,
  ScheduleKind,
  ScheduleRequest,
  SimulationResult,
  StageCosts,
  TimelineEntry,
} from './types.js';
export { ScheduleInputError, ScheduleValidationError } from './errors.js';
export type { ScheduleValidationReason } from './errors.js';
export { generateSchedule } from './generate.js';
export { simulateSchedule } from './simulate.js';
export { checkScheduleComplete } from './check-schedule.js';
export { actionToString, parseAction } from './action-string.js';
export { CSV_CELL_PATTERN, actionToCsvCell, scheduleToCsv } from './export-csv.js';
export { scheduleToChromeTrace } from './export-trace.js';
export type { ChromeTrace, TraceCompleteEvent, TraceMetadataEvent } from './export-trace.js';
export { scheduleToSvg } from './export-svg.js';
export type { SvgOptions } from './export-svg.js';
export {
  bubbleFractionInterleaved,
  bubbleFractionOneFOneB,
  bubbleSecondsZbH1,
} from './closed-form.js';
export { createSimulatedPipelineModel, scheduleFor } from './pipeline-model.js';
export type { SimulatedPipelineModel, SimulatedPipelineTiming } from './pipeline-model.js';
export { createTimingPipelineModel } from './timing-model.js';
export type { TimedPipeline, TimingPipelineModel } from './timing-model.js';
export { compileSchedule, simulateTiming } from './simulate-timing.js';
export type { CompiledSchedule, ScheduleTiming } from './simulate-timing.js';
