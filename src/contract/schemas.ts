/**
 * Runtime gate for request bodies (STYLE.md §12): hand-written zod schemas, each pinned to its
 * type generated from openapi.yaml by test/http/schemas.types.test.ts. Optional fields use
 * `.exactOptional()` so that `foo?: T` matches openapi-typescript under exactOptionalPropertyTypes.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { TransformerInputSchema } from '../model-spec/index.js';
import { RECOMPUTE_MODULES } from '../model-spec/index.js';
import {
  Framework,
  Objective,
  Precision,
  RecomputeMode,
  RecomputeModule,
  ScheduleId,
  ZeroStage,
} from './enums.js';

const positiveInt = (max: number) => z.int().min(1).max(max);
const id = z.string().min(1).max(200);

export * from './enums.js';

/** The explicit shape is declared once, in model-spec. */
export const TransformerInput = TransformerInputSchema;

export const HuggingFaceModelInput = z.strictObject({
  huggingFaceConfig: z.record(z.string(), z.unknown()),
});
export const TransformerModelInput = z.strictObject({ transformer: TransformerInput });
export const ModelInput = z.union([id, HuggingFaceModelInput, TransformerModelInput]);
/** Operator graphs are checked in depth by parseOperatorGraph / importOnnx (400 naming the field). */
export const GraphModelInput = z.strictObject({ graph: z.record(z.string(), z.unknown()) });
const entries = (max: number) => (o: object) => Object.keys(o).length <= max;
export const OnnxDimParams = z
  .record(z.string(), positiveInt(LIMITS.onnxDimValue))
  .refine(entries(LIMITS.onnxNamedValues), `at most ${LIMITS.onnxNamedValues} entries`);
export const OnnxInputValues = z
  .record(z.string(), z.union([z.number(), z.array(z.number()).max(LIMITS.onnxInputValueItems)]))
  .refine(entries(LIMITS.onnxNamedValues), `at most ${LIMITS.onnxNamedValues} entries`);
/** How an ONNX model's dims and steering inputs bind (importOnnxModel's options). */
const onnxBinding = {
  batchSize: positiveInt(LIMITS.globalBatchSize).exactOptional(),
  dimParams: OnnxDimParams.exactOptional(),
  inputValues: OnnxInputValues.exactOptional(),
};
export const OnnxModelInput = z.strictObject({
  onnx: z.string().min(1).max(LIMITS.onnxBase64Chars),
  ...onnxBinding,
});
/** An ONNX file uploaded with POST /v1/models/onnx, by the SHA-256 hex of its bytes. */
export const UploadedOnnxModelInput = z.strictObject({
  graphId: z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64-hex-digit graphId of an upload'),
  ...onnxBinding,
});
export const PlanModelInput = z.union([
  ModelInput,
  GraphModelInput,
  OnnxModelInput,
  UploadedOnnxModelInput,
]);
export const ExportFormat = z.enum(['megatron', 'deepspeed', 'torchtitan', 'torchrun', 'rankmap']);
export const ScheduleFormat = z.enum(['json', 'csv', 'trace', 'svg']);

export const PresetClusterInput = z.strictObject({
  preset: id,
  nodes: positiveInt(LIMITS.nodes),
});
export const IntraNodeInput = z.strictObject({
  bandwidthGBps: z.number().positive(),
  latencyMicroseconds: z.number().min(0).exactOptional(),
  efficiency: z.number().positive().max(1).exactOptional(),
});
export const InterNodeInput = z.strictObject({
  nicsPerNode: positiveInt(LIMITS.gpusPerNode).exactOptional(),
  nicBandwidthGBps: z.number().positive(),
  latencyMicroseconds: z.number().min(0).exactOptional(),
  efficiency: z.number().positive().max(1).exactOptional(),
});
export const CustomClusterInput = z.strictObject({
  accelerator: id,
  gpusPerNode: positiveInt(LIMITS.gpusPerNode),
  nodes: positiveInt(LIMITS.nodes),
  intraNode: IntraNodeInput.exactOptional(),
  interNode: InterNodeInput.exactOptional(),
});
export const ClusterInput = z.union([PresetClusterInput, CustomClusterInput]);
export const InterGroupInput = z.strictObject({
  bandwidthGBps: z.number().positive(),
  latencyMicroseconds: z.number().min(0),
  efficiency: z.number().positive().max(1).exactOptional(),
});
export const HeteroClusterInput = z.strictObject({
  groups: z.array(ClusterInput).min(1).max(LIMITS.clusterGroups),
  interGroup: InterGroupInput.exactOptional(),
});
export const ClusterMixInput = z.strictObject({ mix: id });
export const PlanClusterInput = z.union([
  PresetClusterInput,
  CustomClusterInput,
  HeteroClusterInput,
  ClusterMixInput,
]);
/** $/GPU-hour by accelerator id (ids are checked against the catalog when mapped). */
export const Prices = z
  .record(z.string().min(1).max(200), z.number().positive())
  .refine((r) => Object.keys(r).length <= LIMITS.priceEntries, {
    message: `at most ${LIMITS.priceEntries} prices`,
  });

export const ContextParallelComm = z.enum(['p2p', 'all-gather', 'a2a']);
export const MoeTrainingInput = z.strictObject({
  dispatcher: z.enum(['alltoall', 'deepep', 'hybridep', 'allgather']).exactOptional(),
  routing: z.enum(['forced-balance', 'dropless', 'capacity']).exactOptional(),
  capacityFactor: z.number().min(1).max(64).exactOptional(),
  imbalanceFactor: z.number().min(1).max(64).exactOptional(),
  overlapAllToAll: z.boolean().exactOptional(),
});

/** The optional training fields, shared by a plan's training and a study's training defaults. */
export const trainingOptionFields = {
  precision: Precision.exactOptional(),
  flashAttention: z.boolean().exactOptional(),
  dropout: z.boolean().exactOptional(),
  overlapGradientReduce: z.boolean().exactOptional(),
  overlapParameterGather: z.boolean().exactOptional(),
  overlapTensorParallelComm: z.boolean().exactOptional(),
  overlapPipelineP2p: z.boolean().exactOptional(),
  prefetchParameters: z.boolean().exactOptional(),
  memoryHeadroomFraction: z.number().min(0).lt(LIMITS.memoryHeadroomFraction).exactOptional(),
  gradientReduceInFp32: z.boolean().exactOptional(),
  fsdpParameterDtype: z.enum(['fp32', 'bf16']).exactOptional(),
  framework: Framework.exactOptional(),
};

export const TrainingInput = z.strictObject({
  globalBatchSize: positiveInt(LIMITS.globalBatchSize),
  sequenceLength: positiveInt(LIMITS.sequenceLength),
  ...trainingOptionFields,
  moe: MoeTrainingInput.exactOptional(),
});

const Degrees = z.array(positiveInt(LIMITS.degree)).max(LIMITS.constraintValues);

export const SearchConstraints = z.strictObject({
  dataParallel: Degrees.exactOptional(),
  tensorParallel: Degrees.exactOptional(),
  pipelineParallel: Degrees.exactOptional(),
  contextParallel: Degrees.exactOptional(),
  expertParallel: Degrees.exactOptional(),
  expertTensorParallel: Degrees.exactOptional(),
  virtualStages: Degrees.exactOptional(),
  microBatchSize: Degrees.exactOptional(),
  sequenceParallel: z.array(z.boolean()).max(2).exactOptional(),
  recompute: z.array(RecomputeMode).max(3).exactOptional(),
  recomputeLayers: z.array(z.int().min(1).max(LIMITS.layers).nullable()).max(64).exactOptional(),
  zeroStage: z.array(ZeroStage).max(4).exactOptional(),
  dataParallelShard: Degrees.exactOptional(),
  schedule: z.array(ScheduleId).max(7).exactOptional(),
});

export const SearchOptions = z.strictObject({
  objective: Objective.exactOptional(),
  topK: z.int().min(0).max(LIMITS.topK).exactOptional(),
  stepTimeTargetSeconds: z.number().positive().exactOptional(),
  maxCandidates: positiveInt(LIMITS.maxCandidates).exactOptional(),
  allowIdleNodes: z.boolean().exactOptional(),
  timeLimitSeconds: z.number().positive().max(LIMITS.timeLimitSeconds).exactOptional(),
  constraints: SearchConstraints.exactOptional(),
  exports: z.array(ExportFormat).max(5).exactOptional(),
  solver: z.enum(['highs', 'javascript-lp-solver']).exactOptional(),
  prices: Prices.exactOptional(),
});

export const PlanRequest = z.strictObject({
  model: PlanModelInput,
  cluster: PlanClusterInput,
  training: TrainingInput,
  search: SearchOptions.exactOptional(),
});

export const StrategyInput = z.strictObject({
  dataParallel: positiveInt(LIMITS.degree),
  tensorParallel: positiveInt(LIMITS.degree),
  pipelineParallel: positiveInt(LIMITS.degree),
  contextParallel: positiveInt(LIMITS.degree).exactOptional(),
  contextParallelComm: ContextParallelComm.exactOptional(),
  expertParallel: positiveInt(LIMITS.degree).exactOptional(),
  expertTensorParallel: positiveInt(LIMITS.degree).exactOptional(),
  microBatchSize: positiveInt(LIMITS.globalBatchSize),
  numMicroBatches: positiveInt(LIMITS.globalBatchSize).exactOptional(),
  virtualStages: positiveInt(LIMITS.virtualStages).exactOptional(),
  sequenceSlices: positiveInt(LIMITS.sequenceSlices).exactOptional(),
  sequenceParallel: z.boolean().exactOptional(),
  recompute: RecomputeMode.exactOptional(),
  recomputeLayers: z.int().min(0).max(LIMITS.layers).nullable().exactOptional(),
  recomputeModules: z
    .array(RecomputeModule)
    .min(1)
    .max(RECOMPUTE_MODULES.length)
    .refine((m) => new Set(m).size === m.length, 'recomputeModules must not repeat a module')
    .exactOptional(),
  zeroStage: ZeroStage.exactOptional(),
  dataParallelShard: positiveInt(LIMITS.degree).exactOptional(),
  schedule: ScheduleId.exactOptional(),
  layersPerStage: z
    .array(z.int().min(0).max(LIMITS.layers))
    .max(LIMITS.layers)
    .nullable()
    .exactOptional(),
});

export const EstimateRequest = z.strictObject({
  model: ModelInput,
  cluster: ClusterInput,
  training: TrainingInput,
  strategy: StrategyInput,
});

export const PresetInventoryItem = z.strictObject({
  preset: id,
  maxNodes: positiveInt(LIMITS.nodes),
});
export const CustomInventoryItem = z.strictObject({
  accelerator: id,
  gpusPerNode: positiveInt(LIMITS.gpusPerNode),
  maxNodes: positiveInt(LIMITS.nodes),
  intraNode: IntraNodeInput.exactOptional(),
  interNode: InterNodeInput.exactOptional(),
});
export const InventoryItem = z.union([PresetInventoryItem, CustomInventoryItem]);
export const ClusterSelectionRequest = z.strictObject({
  model: ModelInput,
  training: TrainingInput,
  inventory: z.array(InventoryItem).min(1).max(LIMITS.clusterGroups),
  interGroup: InterGroupInput.exactOptional(),
  budgetUsdPerHour: z.number().positive().exactOptional(),
  stepTimeTargetSeconds: z.number().positive().exactOptional(),
  prices: Prices.exactOptional(),
  timeLimitSeconds: z.number().positive().max(LIMITS.timeLimitSeconds).exactOptional(),
});

const StageSeconds = z.array(z.number().min(0)).max(LIMITS.scheduleStageTimes);
export const StageTimes = z.strictObject({
  forwardSeconds: StageSeconds,
  backwardInputSeconds: StageSeconds,
  backwardWeightSeconds: StageSeconds,
});
export const ScheduleRequest = z.strictObject({
  stages: positiveInt(LIMITS.scheduleRanks),
  microBatches: positiveInt(LIMITS.scheduleMicroBatches),
  schedule: ScheduleId,
  virtualStages: positiveInt(LIMITS.scheduleChunksPerRank).exactOptional(),
  slices: positiveInt(LIMITS.scheduleSlices).exactOptional(),
  stageTimes: StageTimes.exactOptional(),
  p2pSeconds: z.number().min(0).exactOptional(),
});

export type PlanRequest = z.output<typeof PlanRequest>;
export type ScheduleRequest = z.output<typeof ScheduleRequest>;
export type PlanModelInput = z.output<typeof PlanModelInput>;
export type GraphModelInput = z.output<typeof GraphModelInput>;
export type OnnxModelInput = z.output<typeof OnnxModelInput>;
export type UploadedOnnxModelInput = z.output<typeof UploadedOnnxModelInput>;
export type ExportFormat = z.output<typeof ExportFormat>;
export type ScheduleFormat = z.output<typeof ScheduleFormat>;
/** A plan request for a transformer (zoo id, HF config or explicit shape). */
export type TransformerPlanRequest = PlanRequest & { readonly model: ModelInput };
/** A plan request for an operator graph (graph JSON, ONNX bytes or an uploaded ONNX file). */
export type GraphPlanRequest = PlanRequest & {
  readonly model: GraphModelInput | OnnxModelInput | UploadedOnnxModelInput;
};

export function isGraphPlanRequest(request: PlanRequest): request is GraphPlanRequest {
  const model = request.model;
  return typeof model === 'object' && ('graph' in model || 'onnx' in model || 'graphId' in model);
}

export function isTransformerPlanRequest(request: PlanRequest): request is TransformerPlanRequest {
  return !isGraphPlanRequest(request);
}
export type EstimateRequest = z.output<typeof EstimateRequest>;
export type ModelInput = z.output<typeof ModelInput>;
export type ClusterInput = z.output<typeof ClusterInput>;
export type PlanClusterInput = z.output<typeof PlanClusterInput>;
export type HeteroClusterInput = z.output<typeof HeteroClusterInput>;
export type InterGroupInput = z.output<typeof InterGroupInput>;
export type ClusterSelectionRequest = z.output<typeof ClusterSelectionRequest>;
export type TrainingInput = z.output<typeof TrainingInput>;
export type StrategyInput = z.output<typeof StrategyInput>;
export type SearchOptions = z.output<typeof SearchOptions>;

export * from './response-schemas.js';
