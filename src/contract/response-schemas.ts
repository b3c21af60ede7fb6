/**
 * Response shapes as zod schemas. Responses are built by our own mappers, so these exist to pin
 * the mappers' output types to openapi.yaml (test/http/schemas.types.test.ts) and to let tests and
 * clients parse responses at runtime.
 */
import { z } from 'zod';
import { PlanExports, PlanSchedule } from './export-schemas.js';
import { GraphPlanResponse } from './graph-schemas.js';

import { RecomputeMode, RecomputeModule, ScheduleId, ZeroStage } from './enums.js';

export const StrategyOutput = z.object({
  dataParallel: z.int(),
  tensorParallel: z.int(),
  pipelineParallel: z.int(),
  contextParallel: z.int(),
  contextParallelComm: z.enum(['p2p', 'all-gather', 'a2a']),
  expertParallel: z.int(),
  expertTensorParallel: z.int(),
  virtualStages: z.int(),
  sequenceSlices: z.int(),
  sequenceParallel: z.boolean(),
  microBatchSize: z.int(),
  numMicroBatches: z.int(),
  recompute: RecomputeMode,
  recomputeLayers: z.int().nullable(),
  recomputeModules: z.array(RecomputeModule).exactOptional(),
  zeroStage: ZeroStage,
  dataParallelShard: z.int(),
  schedule: ScheduleId,
  layersPerStage: z.array(z.int()).nullable(),
});

export const MemoryBreakdown = z.object({
  weights: z.number(),
  gradients: z.number(),
  optimizer: z.number(),
  activations: z.number(),
  other: z.number(),
});

export const TimeBreakdown = z.object({
  compute: z.number(),
  recompute: z.number(),
  tensorParallelComm: z.number(),
  expertParallelComm: z.number(),
  contextParallelComm: z.number(),
  dataParallelComm: z.number(),
  pipelineComm: z.number(),
  bubble: z.number(),
  optimizer: z.number(),
});

export const StageEstimate = z.object({
  stage: z.int(),
  layers: z.int(),
  hasEmbedding: z.boolean(),
  hasLmHead: z.boolean(),
  forwardSeconds: z.number(),
  backwardSeconds: z.number(),
  backwardInputSeconds: z.number(),
  backwardWeightSeconds: z.number(),
  peakMemoryBytes: z.number(),
});

export const ValueRange = z.object({ low: z.number(), high: z.number() });
export const HiddenCommSeconds = z.object({
  tensorParallelComm: z.number(),
  dataParallelComm: z.number(),
  pipelineComm: z.number(),
  expertParallelComm: z.number(),
  contextParallelComm: z.number(),
});
export const RunnerUp = z.object({
  stepTimeSeconds: z.number(),
  slowerByFraction: z.number(),
  withinErrorBand: z.boolean(),
  note: z.string(),
});

export const Estimate = z.object({
  stepTimeSeconds: z.number(),
  tokensPerSecond: z.number(),
  mfu: z.number(),
  hfu: z.number(),
  tflopsPerGpu: z.number(),
  fits: z.boolean(),
  peakMemoryBytesPerGpu: z.number(),
  memoryCapacityBytesPerGpu: z.number(),
  usableMemoryBytesPerGpu: z.number(),
  memoryMarginBytes: z.number(),
  nearCapacity: z.boolean(),
  peakMemoryRangeBytes: ValueRange,
  stepTimeRangeSeconds: ValueRange,
  errorBandRows: z.int(),
  memoryBytes: MemoryBreakdown,
  timeSeconds: TimeBreakdown,
  hiddenCommSeconds: HiddenCommSeconds,
  modelFlopsPerStep: z.number(),
  hardwareFlopsPerStep: z.number(),
  stages: z.array(StageEstimate),
});

/** The layers a pipeline stage holds and its ranks: a homogeneous chunk or a heterogeneous stage. */
const stageSpanFields = {
  firstLayer: z.int(),
  numLayers: z.int(),
  hasEmbedding: z.boolean(),
  hasLmHead: z.boolean(),
  firstRank: z.int(),
  lastRank: z.int(),
};

export const StagePlacement = z.object({
  chunk: z.int(),
  pipelineRank: z.int(),
  ...stageSpanFields,
});

export const Plan = z.object({
  strategy: StrategyOutput,
  estimate: Estimate,
  layout: z.array(StagePlacement),
  worldSize: z.int(),
  gpusPerNode: z.int(),
  nodes: z.int(),
  accelerator: z.string(),
  model: z.string(),
  schedule: PlanSchedule.nullable(),
  exports: PlanExports.exactOptional(),
});

export const SearchStats = z.object({
  candidates: z.int(),
  feasible: z.int(),
  rejected: z.record(z.string(), z.int()),
  elapsedSeconds: z.number(),
  truncated: z.boolean(),
  lowerBoundSeconds: z.number(),
  gapFraction: z.number(),
  idleNodes: z.int(),
  allNodesStepTimeSeconds: z.number().nullable(),
  runnerUp: RunnerUp.nullable(),
});

export const PlanResponse = z.object({
  id: z.string(),
  best: Plan,
  alternatives: z.array(Plan),
  search: SearchStats,
});

export const HeteroStage = z.object({
  stage: z.int(),
  group: z.int(),
  accelerator: z.string(),
  tensorParallel: z.int(),
  dataParallel: z.int(),
  ...stageSpanFields,
  forwardSeconds: z.number(),
  backwardSeconds: z.number(),
  peakMemoryBytes: z.number(),
  memoryCapacityBytes: z.number(),
});

export const HeteroReplica = z.object({
  group: z.int(),
  accelerator: z.string(),
  gpus: z.int(),
  tensorParallel: z.int(),
  pipelineParallel: z.int(),
  dataParallel: z.int(),
  microBatchSize: z.int(),
  globalBatchShare: z.int(),
  numMicroBatches: z.number(),
  firstRank: z.int(),
  lastRank: z.int(),
  finishSeconds: z.number(),
  peakMemoryBytes: z.number(),
});

export const HeteroPlan = z.object({
  kind: z.enum(['hetero-pipeline', 'hetero-data-parallel', 'homogeneous']),
  stepTimeSeconds: z.number(),
  costUsdPerHour: z.number().nullable(),
  costUsdPerStep: z.number().nullable(),
  tokensPerSecond: z.number(),
  mfu: z.number(),
  gpusUsed: z.int(),
  gpusPerGroup: z.array(z.int()),
  microBatchSize: z.int(),
  stages: z.array(HeteroStage).exactOptional(),
  replicas: z.array(HeteroReplica).exactOptional(),
  launcher: z.object({
    megatronPipelineLayout: z.string().exactOptional(),
    notes: z.array(z.string()),
  }),
  homogeneousPlan: Plan.exactOptional(),
});

export const HeteroPlanResponse = z.object({
  id: z.string(),
  best: HeteroPlan,
  alternatives: z.array(HeteroPlan),
  search: z.object({
    candidates: z.int(),
    feasible: z.int(),
    rejected: z.record(z.string(), z.int()),
    pruned: z.int(),
    elapsedSeconds: z.number(),
    truncated: z.boolean(),
    lowerBoundSeconds: z.number(),
    gapFraction: z.number(),
  }),
});

export const FrontierPoint = z.object({
  nodesPerGroup: z.array(z.int()),
  gpusPerGroup: z.array(z.int()),
  stepTimeSeconds: z.number(),
  costUsdPerHour: z.number(),
  plan: HeteroPlan,
});

export const ClusterSelectionResponse = z.object({
  chosen: FrontierPoint.nullable(),
  frontier: z.array(FrontierPoint),
  clustersEvaluated: z.int(),
  elapsedSeconds: z.number(),
});

export const AnyPlanResponse = z.union([PlanResponse, GraphPlanResponse, HeteroPlanResponse]);

export const EstimateResponse = z.object({
  estimate: Estimate,
  strategy: StrategyOutput,
  layout: z.array(StagePlacement),
});

export const ErrorCode = z.enum([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'UNKNOWN_MODEL',
  'UNKNOWN_ACCELERATOR',
  'UNKNOWN_PRESET',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INFEASIBLE',
  'PLANNING_TIMEOUT',
  'OVERLOADED',
  'UNAUTHORIZED',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
]);

export const Issue = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: ErrorCode,
  field: z.string().exactOptional(),
  issues: z.array(Issue).exactOptional(),
  details: z.record(z.string(), z.unknown()).exactOptional(),
});

export type PlanResponse = z.output<typeof PlanResponse>;
export type AnyPlanResponse = z.output<typeof AnyPlanResponse>;
export type EstimateResponse = z.output<typeof EstimateResponse>;
export type ApiHeteroPlan = z.output<typeof HeteroPlan>;
export type HeteroPlanResponse = z.output<typeof HeteroPlanResponse>;
export type ApiFrontierPoint = z.output<typeof FrontierPoint>;
export type ClusterSelectionResponse = z.output<typeof ClusterSelectionResponse>;
export type ApiPlan = z.output<typeof Plan>;
export type ApiRunnerUp = z.output<typeof RunnerUp>;
export type ApiEstimate = z.output<typeof Estimate>;
export type ApiStrategy = z.output<typeof StrategyOutput>;
export type ApiStagePlacement = z.output<typeof StagePlacement>;
export type ProblemBody = z.output<typeof Problem>;
export type ErrorCode = z.output<typeof ErrorCode>;
export * from './export-schemas.js';
export * from './graph-schemas.js';
