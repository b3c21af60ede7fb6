/**
 * POST /v1/plans for operator graphs (issue #4): model.graph (operator-graph JSON) or model.onnx
 * (base64 ONNX) → OperatorGraph → planOperatorGraph (Alpa-style intra-op ILP + stage DP) →
 * GraphPlanResponse. Request mapping, running and response mapping for this kind live here.
 */
import { performance } from 'node:perf_hooks';
import type { OperatorGraph } from '../graph/operator-graph/index.js';
import { GraphInputError, graphInputs, parseOperatorGraph } from '../graph/operator-graph/index.js';
import { importOnnx } from '../graph/onnx/index.js';
import type { ClusterProfile, ProfileCatalog } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import type { OperatorGraphPlan } from '../search/intra-op/index.js';
import { planOperatorGraph } from '../search/intra-op/index.js';
import { ApiError, SEARCH_DEFAULTS } from '../contract/index.js';
import type { GraphPlanResponse, GraphPlanRequest } from '../contract/index.js';
import { clusterFromInput, homogeneousClusterInput } from './map-request.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface GraphPlanningInputs {
  readonly graph: OperatorGraph;
  readonly cluster: ClusterProfile;
  readonly numMicroBatches: number;
  readonly batchSize: number;
}

function onnxGraph(onnx: string, batchSize: number | undefined): OperatorGraph {
  const text = onnx.replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new ApiError('VALIDATION_FAILED', 'model.onnx: not valid base64', {
      field: 'model.onnx',
    });
  }
  const json = importOnnx(
    Buffer.from(text, 'base64'),
    batchSize === undefined ? {} : { batchSize },
  );
  try {
    return parseOperatorGraph(json);
  } catch (error) {
    if (!(error instanceof GraphInputError)) throw error;
    throw new ApiError(
      'VALIDATION_FAILED',
      `model.onnx: imported graph is invalid: ${error.message}`,
      {
        field: 'model.onnx',
        details: { graphField: error.field },
      },
    );
  }
}

/** Leading dim of the graph's first non-parameter input: the batch of one micro-batch. */
function graphBatchSize(graph: OperatorGraph): number {
  const input = graphInputs(graph).find((t) => graph.tensors[t]?.parameter === false);
  return (input === undefined ? undefined : graph.tensors[input]?.shape[0]) ?? 1;
}

/** Validate and map a graph plan request (cheap; the routes call it before using a worker). */
export function toGraphPlanningInputs(
  catalog: ProfileCatalog,
  request: GraphPlanRequest,
): GraphPlanningInputs {
  const model = request.model;
  const graph =
    'graph' in model ? parseOperatorGraph(model.graph) : onnxGraph(model.onnx, model.batchSize);
  const cluster = clusterFromInput(catalog, homogeneousClusterInput(request.cluster));
  const batchSize = graphBatchSize(graph);
  const global = request.training.globalBatchSize;
  if (global % batchSize !== 0) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `training.globalBatchSize=${global} must be a multiple of the graph's batch ${batchSize} (leading dim of its first input)`,
      { field: 'training.globalBatchSize', details: { globalBatchSize: global, batchSize } },
    );
  }
  return { graph, cluster, numMicroBatches: global / batchSize, batchSize };
}

/** Solver budget in seconds (search.timeLimitSeconds, default 10 s). */
export function graphSolverSeconds(request: GraphPlanRequest): number {
  return request.search?.timeLimitSeconds ?? SEARCH_DEFAULTS.graphTimeLimitSeconds;
}

function graphPlanToApi(
  plan: OperatorGraphPlan,
  inputs: GraphPlanningInputs,
  id: string,
  elapsedSeconds: number,
): GraphPlanResponse {
  const { cluster, numMicroBatches, batchSize } = inputs;
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
        numMicroBatches,
        samplesPerSecond: (numMicroBatches * batchSize) / plan.stepTimeSeconds,
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

/** Plan an operator graph in the calling thread. */
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
  const plan = await planOperatorGraph(inputs.graph, {
    device: cluster.device,
    numDevices: worldSize(cluster),
    gpusPerNode: cluster.gpusPerNode,
    intraNode: cluster.intraNode,
    interNode: cluster.interNode,
    microBatches: inputs.numMicroBatches,
    ...(options.solver === undefined ? {} : { solver: options.solver }),
    timeLimitSeconds: options.solverSeconds,
    memoryBudgetBytes: cluster.device.memoryBytes,
  });
  return graphPlanToApi(plan, inputs, id, (performance.now() - started) / 1000);
}
