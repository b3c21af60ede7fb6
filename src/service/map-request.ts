/**
 * API request → domain inputs, in one place (STYLE.md §6, §12): long names → short names,
 * defaults, model input → TransformerSpec → ModelGraph, cluster input → ClusterProfile.
 * Domain code never sees API types; this file is the only bridge.
 */
import type { Framework, Strategy, TrainingConfig } from '../costmodel/index.js';
import {
  checkPrecisionSupported,
  moeTrainingDefaults,
  trainingDefaults,
} from '../costmodel/index.js';
import { PlanningError } from '../costmodel/index.js';
import type { ModelGraph } from '../graph/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import { buildModelGraph, transformerFromHuggingFaceConfig } from '../graph/index.js';
import { checkSpecLimits, specFromExplicitTransformer } from '../model-spec/index.js';
import type { ClusterProfile, ProfileCatalog } from '../hardware-profiles/index.js';
import {
  ProfileInputError,
  clusterFromPreset,
  customCluster,
  findModel,
  worldSize,
} from '../hardware-profiles/index.js';
import { checkFrameworkBuildsModel } from '../plan/index.js';
import type { PlanningProblem, SearchConstraints } from '../search/index.js';
import { ApiError, LIMITS, SEARCH_DEFAULTS } from '../contract/index.js';
import type {
  ClusterInput,
  EstimateRequest,
  ModelInput,
  PlanClusterInput,
  SearchOptions,
  TransformerPlanRequest,
  StrategyInput,
  TrainingInput,
} from '../contract/index.js';

export function specFromModelInput(catalog: ProfileCatalog, model: ModelInput): TransformerSpec {
  if (typeof model === 'string') return findModel(catalog, model).spec;
  if ('huggingFaceConfig' in model) {
    return checkSpecLimits(
      transformerFromHuggingFaceConfig(model.huggingFaceConfig),
      'huggingFaceConfig',
    );
  }
  return checkSpecLimits(specFromExplicitTransformer(model.transformer), 'transformer');
}

export function graphFromModelInput(
  catalog: ProfileCatalog,
  model: ModelInput,
  sequenceLength: number,
): ModelGraph {
  return buildModelGraph(specFromModelInput(catalog, model), sequenceLength);
}

/** A plan request's cluster for planners that need one homogeneous cluster (operator graphs). */
export function homogeneousClusterInput(input: PlanClusterInput): ClusterInput {
  if ('preset' in input || 'accelerator' in input) return input;
  throw new ApiError(
    'VALIDATION_FAILED',
    'cluster: this model kind needs a homogeneous cluster (a preset or a custom node type), not node groups or a mix',
    { field: 'cluster' },
  );
}

export function clusterFromInput(catalog: ProfileCatalog, input: ClusterInput): ClusterProfile {
  const cluster =
    'preset' in input
      ? clusterFromPreset(catalog, input.preset, input.nodes)
      : customCluster(catalog, input);
  const gpus = worldSize(cluster);
  if (gpus > LIMITS.worldSize) {
    throw new ProfileInputError(
      'numNodes',
      `${cluster.numNodes} nodes × ${cluster.gpusPerNode} GPUs = ${gpus} GPUs exceeds the limit of ${LIMITS.worldSize} GPUs`,
      { worldSize: gpus, limit: LIMITS.worldSize },
    );
  }
  return cluster;
}

/** An overlap switch the chosen framework does not have: 400 naming the field. */
function checkOverlapFields(input: TrainingInput, framework: Framework): void {
  const unavailable = (field: keyof TrainingInput, why: string): ApiError =>
    new ApiError('VALIDATION_FAILED', `training.${field}: ${why}`, {
      field: `training.${field}`,
      details: { framework },
    });
  if (input.overlapTensorParallelComm === true && framework !== 'megatron') {
    throw unavailable(
      'overlapTensorParallelComm',
      `--tp-comm-overlap (Transformer Engine userbuffers) is Megatron-Core's; ${framework} has no such switch`,
    );
  }
  if (input.gradientReduceInFp32 !== undefined && framework !== 'megatron') {
    throw unavailable(
      'gradientReduceInFp32',
      `Megatron's main-gradient dtype (--accumulate-allreduce-grads-in-fp32 / --grad-reduce-in-bf16); ${framework} reduces gradients in its own dtype`,
    );
  }
  if (input.fsdpParameterDtype !== undefined && framework !== 'fsdp') {
    throw unavailable(
      'fsdpParameterDtype',
      `the resident parameter dtype is FSDP's (torchtitan --training.dtype); ${framework} keeps fp32 master weights`,
    );
  }
  if (input.overlapPipelineP2p === true && framework === 'deepspeed') {
    throw unavailable(
      'overlapPipelineP2p',
      "DeepSpeed's PipelineEngine sends and receives blocking (deepspeed/runtime/pipe/engine.py)",
    );
  }
  if (input.overlapParameterGather === true && framework !== 'megatron') {
    throw unavailable(
      'overlapParameterGather',
      `--overlap-param-gather is Megatron's distributed optimizer's; ${framework} gathers after the step or per unit`,
    );
  }
}

export function trainingFromInput(input: TrainingInput): TrainingConfig {
  const framework = input.framework ?? 'megatron';
  checkOverlapFields(input, framework);
  const defaults = trainingDefaults(framework);
  return {
    globalBatchSize: input.globalBatchSize,
    sequenceLength: input.sequenceLength,
    precision: input.precision ?? 'bf16',
    flashAttention: input.flashAttention ?? true,
    dropout: input.dropout ?? false,
    overlapGradientReduce: input.overlapGradientReduce ?? defaults.overlapGradientReduce,
    overlapParameterGather: input.overlapParameterGather ?? defaults.overlapParameterGather,
    overlapTensorParallelComm:
      input.overlapTensorParallelComm ?? defaults.overlapTensorParallelComm,
    overlapPipelineP2p: input.overlapPipelineP2p ?? defaults.overlapPipelineP2p,
    prefetchParameters: input.prefetchParameters ?? defaults.prefetchParameters,
    memoryHeadroomFraction: input.memoryHeadroomFraction ?? defaults.memoryHeadroomFraction,
    framework,
    ...(input.gradientReduceInFp32 === undefined
      ? {}
      : { gradientReduceInFp32: input.gradientReduceInFp32 }),
    ...(input.fsdpParameterDtype === undefined
      ? {}
      : { fsdpParameterDtype: input.fsdpParameterDtype }),
    ...(input.moe === undefined ? {} : { moe: { ...moeTrainingDefaults(), ...input.moe } }),
  };
}

function constraintsFromInput(input: SearchOptions['constraints']): SearchConstraints {
  if (input === undefined) return {};
  const {
    dataParallel,
    tensorParallel,
    pipelineParallel,
    contextParallel,
    expertParallel,
    expertTensorParallel,
    dataParallelShard,
    ...rest
  } = input;
  return {
    ...rest,
    ...(dataParallelShard === undefined ? {} : { dpShard: dataParallelShard }),
    ...(contextParallel === undefined ? {} : { cp: contextParallel }),
    ...(expertParallel === undefined ? {} : { ep: expertParallel }),
    ...(expertTensorParallel === undefined ? {} : { etp: expertTensorParallel }),
    ...(dataParallel === undefined ? {} : { dp: dataParallel }),
    ...(tensorParallel === undefined ? {} : { tp: tensorParallel }),
    ...(pipelineParallel === undefined ? {} : { pp: pipelineParallel }),
  };
}

/**
 * A transformer plan request in domain terms, with the model as its spec (plain data for a
 * worker; the graph is built where the search runs).
 */
export function toPlanningProblem(
  catalog: ProfileCatalog,
  request: TransformerPlanRequest,
): Omit<PlanningProblem, 'graph'> & { readonly spec: TransformerSpec } {
  const search = request.search ?? {};
  const training = trainingFromInput(request.training);
  const spec = specFromModelInput(catalog, request.model);
  const cluster = clusterFromInput(catalog, homogeneousClusterInput(request.cluster));
  checkPrecisionSupported(cluster.device, training.precision);
  return {
    spec,
    cluster,
    training,
    constraints: constraintsFromInput(search.constraints),
    // On one homogeneous cluster every GPU is billed: the cheapest plan per step is the fastest.
    objective:
      search.objective === 'cheapest' ? 'fastest' : (search.objective ?? SEARCH_DEFAULTS.objective),
    topK: search.topK ?? SEARCH_DEFAULTS.topK,
    stepTimeTargetSeconds: search.stepTimeTargetSeconds ?? null,
    maxCandidates: search.maxCandidates ?? SEARCH_DEFAULTS.maxCandidates,
    allowIdleNodes: search.allowIdleNodes ?? true,
  };
}

/** globalBatchSize / (dp · microBatchSize), which must be a whole number. */
function defaultMicroBatches(input: StrategyInput, training: TrainingConfig): number {
  const perStep = input.dataParallel * input.microBatchSize;
  if (training.globalBatchSize % perStep !== 0) {
    throw new PlanningError(
      'batch-not-divisible',
      `globalBatchSize=${training.globalBatchSize} is not divisible by dataParallel=${input.dataParallel} × microBatchSize=${input.microBatchSize} = ${perStep}`,
      'strategy.microBatchSize',
      { globalBatchSize: training.globalBatchSize, sequencesPerMicroBatchStep: perStep },
    );
  }
  return training.globalBatchSize / perStep;
}

/**
 * Strategy defaults: 1F1B (interleaved when virtualStages > 1), SP with TP, no recompute, ZeRO 0;
 * zb-v always has 2 chunks per rank; seq-slice-1f1b defaults to 2 slices; context-parallel K/V
 * exchange p2p, all-gather under fsdp (torchtitan runs PyTorch's context_parallel, whose
 * _ContextParallelOptions.rotate_method defaults to ALL_GATHER).
 */
export function strategyFromInput(input: StrategyInput, training: TrainingConfig): Strategy {
  const virtual = input.virtualStages;
  const schedule =
    input.schedule ?? (virtual !== undefined && virtual > 1 ? 'interleaved-1f1b' : '1f1b');
  return {
    dp: input.dataParallel,
    tp: input.tensorParallel,
    pp: input.pipelineParallel,
    cp: input.contextParallel ?? 1,
    ...(input.contextParallelComm === undefined
      ? training.framework === 'fsdp' && (input.contextParallel ?? 1) > 1
        ? { cpComm: 'all-gather' as const }
        : {}
      : { cpComm: input.contextParallelComm }),
    ...(input.expertParallel === undefined ? {} : { ep: input.expertParallel }),
    ...(input.expertTensorParallel === undefined ? {} : { etp: input.expertTensorParallel }),
    virtualStages: virtual ?? (schedule === 'interleaved-1f1b' || schedule === 'zb-v' ? 2 : 1),
    sequenceSlices: input.sequenceSlices ?? (schedule === 'seq-slice-1f1b' ? 2 : 1),
    sequenceParallel: input.sequenceParallel ?? input.tensorParallel > 1,
    microBatchSize: input.microBatchSize,
    numMicroBatches: input.numMicroBatches ?? defaultMicroBatches(input, training),
    recompute: input.recompute ?? 'none',
    recomputeLayers: input.recomputeLayers ?? null,
    ...(input.recomputeModules === undefined ? {} : { recomputeModules: input.recomputeModules }),
    zeroStage: input.zeroStage ?? 0,
    ...(input.dataParallelShard === undefined || input.dataParallelShard === input.dataParallel
      ? {}
      : { dpShard: input.dataParallelShard }),
    schedule,
    layersPerStage: input.layersPerStage ?? null,
  };
}

export interface EstimateInputs {
  readonly graph: ModelGraph;
  readonly cluster: ClusterProfile;
  readonly training: TrainingConfig;
  readonly strategy: Strategy;
}

/** Where mapped graphs and clusters may be kept between estimates (estimator.ts: LRU maps). */
export interface EstimateInputMemo {
  readonly graph: (
    request: EstimateRequest,
    sequenceLength: number,
    make: () => ModelGraph,
  ) => ModelGraph;
  readonly cluster: (request: EstimateRequest, make: () => ClusterProfile) => ClusterProfile;
}

const NO_MEMO: EstimateInputMemo = {
  graph: (_request, _sequenceLength, make) => make(),
  cluster: (_request, make) => make(),
};

/** An estimate request in domain terms, in the order its errors are reported. */
export function toEstimateInputs(
  catalog: ProfileCatalog,
  request: EstimateRequest,
  memo: EstimateInputMemo = NO_MEMO,
): EstimateInputs {
  const training = trainingFromInput(request.training);
  const graph = memo.graph(request, training.sequenceLength, () =>
    graphFromModelInput(catalog, request.model, training.sequenceLength),
  );
  // An estimate prices what the framework would run: not a module it does not build (MTP).
  checkFrameworkBuildsModel(graph.spec, training.framework);
  return {
    graph,
    cluster: memo.cluster(request, () => clusterFromInput(catalog, request.cluster)),
    training,
    strategy: strategyFromInput(request.strategy, training),
  };
}
