/** costmodel: pure formulas. estimate(graph, cluster, strategy, training) is the entry point. */
export { estimate } from './estimate.js';
export type { EstimateOptions } from './estimate.js';
export type {
  CostBreakdown,
  MemoryBreakdownBytes,
  StageEstimate,
  TimeBreakdownSeconds,
} from './types.js';
export type {
  ParallelAxis,
  RecomputeMode,
  ScheduleKind,
  Strategy,
  TrainingConfig,
  ZeroStage,
} from './strategy.js';
export { SCHEDULE_KINDS, modelParallelSize, strategyWorldSize } from './strategy.js';
export { PlanningError } from './errors.js';
export type { PlanningErrorReason } from './errors.js';
export type {
  PipelineModel,
  PipelineTiming,
  PipelineTimingInput,
  RankPassSeconds,
} from './pipeline.js';
export { closedFormPipeline } from './pipeline.js';
export * from './activations.js';
export * from './communication.js';
