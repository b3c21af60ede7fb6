/**
 * POST /v1/plans for operator graphs (issues #4, #18): model.graph (operator-graph JSON),
 * model.onnx (base64 ONNX) or model.graphId (an ONNX file uploaded to POST /v1/models/onnx) →
 * OperatorGraph → planOperatorGraph (Alpa-style intra-op ILP + stage DP) → GraphPlanResponse.
 *
 * On the receiving thread the request is checked and mapped (graph JSON parsed, base64 decoded,
 * the uploaded model looked up); ONNX import itself — shape inference over up to 100,000 nodes —
 * runs where the plan is solved (a plan worker when there is a pool), like the search.
 */
import { performance } from 'node:perf_hooks';
import type { OperatorGraph } from '../graph/operator-graph/index.js';
import { graphInputs, parseOperatorGraph } from '../graph/operator-graph/index.js';
import { OnnxImportError, buildOnnxGraph, importOnnxModel } from '../graph/onnx/index.js';
import type { OnnxImportOptions } from '../graph/onnx/index.js';
import type { ClusterProfile, ProfileCatalog } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import type { OperatorGraphPlan } from '../search/intra-op/index.js';
import { planOperatorGraph } from '../search/intra-op/index.js';
import { ApiError, SEARCH_DEFAULTS } from '../contract/index.js';
import type { GraphPlanResponse, GraphPlanRequest } from '../contract/index.js';
import { clusterFromInput, homogeneousClusterInput } from './map-request.js';
import type { OnnxModelCache } from './onnx-models.js';
import { decodeStoredModel, onnxApiError } from './onnx-models.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Where the operator graph comes from (plain data: it travels to a plan worker). */
export type GraphSource =
  | { readonly kind: 'graph'; readonly graph: OperatorGraph }
  | { readonly kind: 'onnx'; readonly bytes: Uint8Array; readonly options: OnnxImportOptions }
  | {
      readonly kind: 'uploaded';
      readonly graphId: string;
      /** The cached decoded model (onnx-models.ts StoredOnnxModel.model). */
      readonly model: Uint8Array;
      readonly options: OnnxImportOptions;
    };

export interface GraphPlanningInputs {
  readonly source: GraphSource;
  readonly cluster: ClusterProfile;
  readonly globalBatchSize: number;
}

function base64Bytes(onnx: string): Uint8Array {
  const text = onnx.replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new ApiError('VALIDATION_FAILED', 'model.onnx: not valid base64', {
      field: 'model.onnx',
    });
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Import options of an ONNX model input: its dims, and seq dims from training.sequenceLength. */
function importOptions(
  model: { batchSize?: number; dimParams?: OnnxImportOptions['dimParams'] } & {
    inputValues?: OnnxImportOptions['inputValues'];
  },
  sequenceLength: number,
): OnnxImportOptions {
  return {
    sequenceLength,
    ...(model.batchSize === undefined ? {} : { batchSize: model.batchSize }),
    ...(model.dimParams === undefined ? {} : { dimParams: model.dimParams }),
    ...(model.inputValues === undefined ? {} : { inputValues: model.inputValues }),
  };
}

function graphSource(
  request: GraphPlanRequest,
  onnxModels: OnnxModelCache | undefined,
): GraphSource {
  const model = request.model;
  const sequenceLength = request.training.sequenceLength;
  if ('graph' in model) return { kind: 'graph', graph: parseOperatorGraph(model.graph) };
  if ('onnx' in model)
    return {
      kind: 'onnx',
      bytes: base64Bytes(model.onnx),
      options: importOptions(model, sequenceLength),
    };
  if (onnxModels === undefined)
    throw new ApiError('NOT_FOUND', `no uploaded ONNX model with graphId '${model.graphId}'`, {
      field: 'model.graphId',
      details: { graphId: model.graphId },
    });
  return {
    kind: 'uploaded',
    graphId: model.graphId,
    model: onnxModels.require(model.graphId).model,
    options: importOptions(model, sequenceLength),
  };
}

/**
 * Validate and map a graph plan request (cheap; the routes call it before using a worker).
 * @param onnxModels uploaded models, for model.graphId (404 naming it when absent)
 */
export function toGraphPlanningInputs(
  catalog: ProfileCatalog,
  request: GraphPlanRequest,
  onnxModels?: OnnxModelCache,
): GraphPlanningInputs {
  return {
    source: graphSource(request, onnxModels),
    cluster: clusterFromInput(catalog, homogeneousClusterInput(request.cluster)),
    globalBatchSize: request.training.globalBatchSize,
  };
}

/** The field of an uploaded model's import error: the option that would fix it, else graphId. */
function uploadedField(error: OnnxImportError): string {
  if (error.reason === 'unresolved-dim') return 'model.dimParams';
  if (error.reason === 'dynamic-control-flow') return 'model.inputValues';
  return 'model.graphId';
}

/** The operator graph of a source (ONNX import runs here, in the solving thread). */
export function resolveGraph(source: GraphSource): OperatorGraph {
  switch (source.kind) {
    case 'graph':
      return source.graph;
    case 'onnx':
      return importOnnxModel(source.bytes, source.options).graph;
    case 'uploaded':
      try {
        return buildOnnxGraph(decodeStoredModel(source.model), source.options).graph;
      } catch (error) {
        if (error instanceof OnnxImportError) throw onnxApiError(error, uploadedField(error));
        throw error;
      }
  }
}

/** Leading dim of the graph's first non-parameter input: the batch of one micro-batch. */
function graphBatchSize(graph: OperatorGraph): number {
  const input = graphInputs(graph).find((t) => graph.tensors[t]?.parameter === false);
  return (input === undefined ? undefined : graph.tensors[input]?.shape[0]) ?? 1;
}

/** Micro-batches per step: globalBatchSize / the graph's batch, which must divide it. */
function microBatches(graph: OperatorGraph, global: number): { count: number; batch: number } {
  const batchSize = graphBatchSize(graph);
  if (global % batchSize !== 0) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `training.globalBatchSize=${global} must be a multiple of the graph's batch ${batchSize} (leading dim of its first input)`,
      { field: 'training.globalBatchSize', details: { globalBatchSize: global, batchSize } },
    );
  }
  return { count: global / batchSize, batch: batchSize };
}

/** Solver budget in seconds (search.timeLimitSeconds, default 10 s). */
export function graphSolverSeconds(request: GraphPlanRequest): number {
  return request.search?.timeLimitSeconds ?? SEARCH_DEFAULTS.graphTimeLimitSeconds;
}

function graphPlanToApi(
  plan: OperatorGraphPlan,
  cluster: ClusterProfile,
  batches: { count: number; batch: number },
  id: string,
  elapsedSeconds: number,
): GraphPlanResponse {
  return {
    id,
    best: {
      kind: 'operator-graph',
      ops: plan.ops.map((op) => ({
        id: op.id,
        stage: op.stage,
        mesh: [...op.mesh],
        strategy: op.strategy,
        inputs: op.inputs.map((t) => ({ ...t })),
        outputs: op.outputs.map((t) => ({ ...t })),
        ...(op.temporal === undefined ? {} : { temporal: { steps: op.temporal.steps } }),
      })),
      stages: plan.stages.map((s, stage) => ({
        stage,
        ops: [...s.ops],
        mesh: [...s.mesh],
        latencySeconds: s.latencySeconds,
      })),
      estimate: {
        stepTimeSeconds: plan.stepTimeSeconds,
        numMicroBatches: batches.count,
        samplesPerSecond: (batches.count * batches.batch) / plan.stepTimeSeconds,
      },
      worldSize: worldSize(cluster),
      gpusPerNode: cluster.gpusPerNode,
      nodes: cluster.numNodes,
      accelerator: cluster.device.id,
    },
    alternatives: [],
    search: {
      solver: plan.solver.name,
      status: plan.solver.status,
      solverSeconds: plan.solver.seconds,
      elapsedSeconds,
    },
  };
}

/** Plan an operator graph in the calling thread (ONNX import included). */
export async function solveGraphPlan(
  inputs: GraphPlanningInputs,
  options: {
    readonly solver: 'highs' | 'javascript-lp-solver' | undefined;
    readonly solverSeconds: number;
  },
  id: string,
): Promise<GraphPlanResponse> {
  const started = performance.now();
  const { cluster } = inputs;
  const graph = resolveGraph(inputs.source);
  const batches = microBatches(graph, inputs.globalBatchSize);
  const plan = await planOperatorGraph(graph, {
    device: cluster.device,
    numDevices: worldSize(cluster),
    gpusPerNode: cluster.gpusPerNode,
    intraNode: cluster.intraNode,
    interNode: cluster.interNode,
    microBatches: batches.count,
    ...(options.solver === undefined ? {} : { solver: options.solver }),
    timeLimitSeconds: options.solverSeconds,
    memoryBudgetBytes: cluster.device.memoryBytes,
  });
  return graphPlanToApi(plan, cluster, batches, id, (performance.now() - started) / 1000);
}
