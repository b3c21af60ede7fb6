/**
 * ONNX import entry points: bytes → {@link OnnxModel} (read-model.ts) → operator graph + summary.
 *
 * Steps of {@link buildOnnxGraph}: list every op without a mapping and fail once with all of
 * them; bind graph-input dims from the options (dims.ts); run the graph in file order, folding
 * shape arithmetic and converting the rest (run-graph.ts), inlining If/Loop and functions;
 * validate the result with the operator-graph rules (`parseOperatorGraph`, up to
 * MAX_IMPORTED_GRAPH_NODES nodes) and attach its repeated blocks.
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md
 */
import {
  GraphInputError,
  MAX_IMPORTED_GRAPH_NODES,
  parseOperatorGraph,
  withRepeatedBlocks,
  type OperatorGraph,
  type OperatorGraphJson,
} from '../operator-graph/index.js';
import { ImportContext } from './context.js';
import { DimBinder, type OnnxImportOptions } from './dims.js';
import { fuseDecomposedNorms } from './fuse-norms.js';
import { OnnxImportError } from './errors.js';
import type { OnnxGraph, OnnxModel, OnnxNode } from './model-types.js';
import { isSupported, opName } from './ops.js';
import { readOnnxModel } from './read-model.js';
import { GraphRunner, Scope, functionTable } from './run-graph.js';
import {
  graphInputs,
  storedWeights,
  summarizeOnnxModel,
  weightElements,
  type OnnxModelSummary,
} from './summary.js';
import { elementCount } from './tensors.js';

/** Where the model's stored float weights went; the four add up to `total`. */
export interface WeightBreakdown {
  readonly total: number;
  /** Elements of parameter tensors in the graph (trainable). */
  readonly parameters: number;
  /** Read for their values only (BatchNorm running statistics, folded constants, clip bounds). */
  readonly buffers: number;
  /** Never reached (the branch an If did not take, dead initializers). */
  readonly unused: number;
}

export interface OnnxImportSummary extends OnnxModelSummary {
  /** Operator-graph nodes (the file's node count is `onnxNodes`). */
  readonly ops: number;
  readonly onnxNodes: number;
  /** Trainable elements in the graph: Σ elements of its `parameter: true` tensors. */
  readonly parameters: number;
  readonly weights: WeightBreakdown;
  /** Σ forward FLOPs of the graph's nodes, at the bound shapes. */
  readonly forwardFlops: number;
  /** Graph-input shapes as bound for this import. */
  readonly boundInputs: readonly { readonly name: string; readonly shape: readonly number[] }[];
}

export interface OnnxImport {
  readonly graph: OperatorGraph;
  readonly summary: OnnxImportSummary;
}

function walk(graph: OnnxGraph, visit: (node: OnnxNode, path: string) => void, path: string): void {
  graph.nodes.forEach((node, k) => {
    visit(node, `${path}.node[${k}]`);
    for (const a of node.attributes.values()) {
      if (a.g !== undefined) walk(a.g, visit, `${path}.node[${k}].attribute['${a.name}'].g`);
      a.graphs.forEach((g, j) =>
        walk(g, visit, `${path}.node[${k}].attribute['${a.name}'].graphs[${j}]`),
      );
    }
  });
}

/**
 * Fail once, naming every op type that has no mapping and the first node of each (an upload is
 * checked with this before any dim is bound).
 * @throws OnnxImportError (`unsupported-op`) listing them in `unsupportedOps`
 */
export function checkSupportedOps(model: OnnxModel): void {
  const functions = functionTable(model.functions);
  const firstNode = new Map<string, string>();
  const visit = (node: OnnxNode, path: string): void => {
    if (isSupported(node.opType, node.domain) || functions.has(`${node.domain}:${node.opType}`))
      return;
    const name = opName(node.opType, node.domain);
    if (!firstNode.has(name)) firstNode.set(name, node.name === '' ? path : node.name);
  };
  walk(model.graph, visit, 'model.graph');
  model.functions.forEach((f, i) =>
    walk({ ...model.graph, nodes: f.nodes }, visit, `model.functions[${i}]`),
  );
  if (firstNode.size === 0) return;
  const ops = [...firstNode.keys()].sort();
  const listing = ops.map((op) => `${op} (e.g. '${firstNode.get(op) ?? ''}')`).join(', ');
  throw new OnnxImportError(
    'model.graph.node',
    `unsupported ONNX ops (no shape/cost rule): ${listing}`,
    ops,
  );
}

/** Define the graph inputs (not initializers: those win, IR.md) with bound dims and given values. */
function defineInputs(model: OnnxModel, ctx: ImportContext, options: OnnxImportOptions): void {
  const stored = new Set(model.graph.initializers.map((t) => t.name));
  model.graph.inputs.forEach((info, i) => {
    if (stored.has(info.name)) return;
    const field = `model.graph.input[${i}]`;
    const shape = ctx.dims.resolve(info, field);
    const given = options.inputValues?.[info.name];
    const values =
      given === undefined ? undefined : typeof given === 'number' ? [given] : [...given];
    if (values !== undefined && values.length !== elementCount(shape))
      throw new OnnxImportError(
        field,
        `options.inputValues['${info.name}'] has ${values.length} values, the input holds ${elementCount(shape)}`,
      );
    ctx.define(info.name, shape, info.elemType, values);
  });
}

function toGraph(json: OperatorGraphJson): OperatorGraph {
  try {
    return withRepeatedBlocks(parseOperatorGraph(json, { maxNodes: MAX_IMPORTED_GRAPH_NODES }));
  } catch (error) {
    if (!(error instanceof GraphInputError)) throw error;
    throw new OnnxImportError(
      'model.graph',
      `the imported operator graph is invalid: ${error.message}`,
      undefined,
      error.field === 'graph.nodes' ? 'too-large' : 'invalid-model',
    );
  }
}

function runModel(model: OnnxModel, options: OnnxImportOptions): ImportContext {
  checkSupportedOps(model);
  const ctx = new ImportContext(new DimBinder(options, graphInputs(model)));
  ctx.declareInfo([...model.graph.valueInfo, ...model.graph.outputs]);
  defineInputs(model, ctx, options);
  const opsets = new Map(
    model.opsetImports.map((o) => [o.domain === 'ai.onnx' ? '' : o.domain, o.version]),
  );
  const runner = new GraphRunner(ctx, { functions: functionTable(model.functions), opsets });
  runner.run(model.graph, new Scope(ctx, ''), 'model.graph', '');
  fuseDecomposedNorms(ctx);
  if (ctx.nodes.length === 0)
    throw new OnnxImportError(
      'model.graph.node',
      'graph has no compute nodes after folding and dropping pass-through ops',
    );
  return ctx;
}

/**
 * Build the operator graph of a decoded model.
 * @param options dims (`batchSize`, default 1; `sequenceLength` for dims named like seq;
 *   `dimParams` by name) and `inputValues` for inputs that steer control flow
 * @returns the validated graph (topological, repeated blocks attached) and its summary
 * @throws OnnxImportError with a protobuf path in `field` and a `reason`
 */
export function buildOnnxGraph(model: OnnxModel, options: OnnxImportOptions = {}): OnnxImport {
  const ctx = runModel(model, options);
  const graph = toGraph({ tensors: Object.fromEntries(ctx.tensors), nodes: ctx.nodes });
  const all = storedWeights(model);
  const used = (kind: string): number =>
    weightElements([...ctx.weightUse].filter(([t, u]) => u === kind && all.has(t)).map(([t]) => t));
  const total = weightElements(all);
  const [parameters, buffers] = [used('parameter'), used('buffer')];
  const file = summarizeOnnxModel(model);
  const summary: OnnxImportSummary = {
    ...file,
    ops: graph.nodes.length,
    onnxNodes: model.nodeCount,
    parameters,
    weights: { total, parameters, buffers, unused: total - parameters - buffers },
    forwardFlops: graph.nodes.reduce((s, n) => s + (n.cost?.forwardFlops ?? 0), 0),
    boundInputs: graphInputs(model).map((i) => ({
      name: i.name,
      shape: ctx.shape(i.name, 'model.graph.input'),
    })),
  };
  return { graph, summary };
}

/**
 * Import an `.onnx` file: {@link readOnnxModel} then {@link buildOnnxGraph}. Weights are read
 * for their shapes only; files up to 256 MiB, 100,000 nodes.
 */
export function importOnnxModel(bytes: Uint8Array, options: OnnxImportOptions = {}): OnnxImport {
  return buildOnnxGraph(readOnnxModel(bytes), options);
}

/**
 * Convert an ONNX file into operator-graph JSON (the issue #4 entry point, kept).
 * @returns operator-graph JSON, to be validated with `parseOperatorGraph` (pass
 *   `{ maxNodes: MAX_IMPORTED_GRAPH_NODES }` for graphs over 5,000 nodes); each node carries the
 *   ONNX op in `attributes.onnxOp` and its forward `cost`; stored float weights of rank ≥ 1 are
 *   `parameter: true`
 * @throws OnnxImportError with a protobuf path in `field`; for missing op mappings, all of them in
 *   `unsupportedOps`
 */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): OperatorGraphJson {
  const ctx = runModel(readOnnxModel(bytes), options);
  return { tensors: Object.fromEntries(ctx.tensors), nodes: ctx.nodes };
}

/** {@link importOnnxModel}'s graph: validated, topological, repeated blocks attached. */
export function importOnnxGraph(bytes: Uint8Array, options: OnnxImportOptions = {}): OperatorGraph {
  return importOnnxModel(bytes, options).graph;
}
