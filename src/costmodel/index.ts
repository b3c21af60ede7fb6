/**
 * costmodel: pure formulas. estimate(graph, cluster, strategy, training) is the entry point; the
 * one stage cost model (createStageCostModel) is what estimate, the search's bounds and the
 * heterogeneous planner all price stages with. Other rooms import only from here.
 */
export { estimate } from './estimate.js';
export type { EstimateOptions } from './estimate.js';
export { estimateMemory, fitsInMemory, rankLayouts } from './estimate-memory.js';
export { cacheScope, createEstimateCache } from './estimate-cache.js';
export type { EstimateCache, EstimateCacheScope } from './estimate-cache.js';
export type { MemoryEstimate } from './estimate-memory.js';
export {
  boundaryActivationBytes,
  chunkTimeInputs,
  createStageCostModel,
  memoryInputs,
  pipelineTransfers,
  placeStrategyGroups,
} from './stage-cost-model.js';
export type {
  PostPipelineSeconds,
  RankCosts,
  StageCostModel,
  StageGroups,
} from './stage-cost-model.js';
export {
  clusterSecondsLowerBound,
  createShapeBound,
  createStepBound,
  minimumBubbleFraction,
  modelStatesCannotFit,
} from './bounds.js';
export type { ShapeBoundInput, StepBoundOptions } from './bounds.js';
export { createMemoryBound, MemoryBound } from './memory-bound.js';
export type { StatesBoundInput } from './memory-bound.js';
export type {
  CostBreakdown,
  MemoryBreakdownBytes,
  StageEstimate,
  TimeBreakdownSeconds,
} from './types.js';
export type {
  ContextParallelComm,
  ExpertDegrees,
  Framework,
  FsdpParameterDtype,
  MoeDispatcher,
  MoeRouting,
  MoeTrainingConfig,
  ParallelAxis,
  RecomputeMode,
  RecomputeModule,
  ScheduleKind,
  Strategy,
  TrainingConfig,
  ZeroStage,
} from './strategy.js';
export {
  CONTEXT_PARALLEL_COMMS,
  DEFAULT_MEMORY_HEADROOM_FRACTION,
  DEFAULT_RECOMPUTE_MODULES,
  RECOMPUTE_MODULES,
  MOE_DISPATCHERS,
  MOE_ROUTINGS,
  SCHEDULE_KINDS,
  expertDegrees,
  moeTrainingDefaults,
  modelParallelSize,
  strategyWorldSize,
  trainingDefaults,
} from './strategy.js';
export { PlanningError } from './errors.js';
export type { PlanningErrorReason } from './errors.js';
export type {
  PipelineModel,
  PipelineTiming,
  PipelineTimingInput,
  RankPassSeconds,
} from './pipeline.js';
export { closedFormPipeline } from './pipeline.js';
export type { ChunkLayout } from './stages.js';
export { chunkLayouts, chunksByRank } from './stages.js';
export type { ParameterShares } from './parameters.js';
export { chunkParametersPerGpu, parameterShares, totalParameters } from './parameters.js';
export type { RankLayout } from './rank-memory.js';
export { totalBytes } from './rank-memory.js';
export type { GroupPlacement } from './groups.js';
export { pipelineSendRecvSeconds, placeGroup } from './groups.js';
export { crossGroupGradientSyncSeconds } from './data-parallel.js';
export { modelFlopsPerStep, hardwareFlopsPerStep, forwardFlopsPerSequence } from './flops.js';
export { peakFlopsPerSecond } from './compute.js';
export { checkPrecisionSupported } from './fp8.js';
export { expertDispatchSeconds, expectedDistinctGroups } from './moe-communication.js';
export type { ExpertDispatchInputs } from './moe-communication.js';
export { contextParallelSeconds, contextParallelKvBytes } from './context-parallel.js';
export * from './operator-cost.js';
export * from './activations.js';
export * from './communication.js';
