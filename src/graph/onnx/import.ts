/**
 * importOnnx: a graph-only ONNX model (weights external or absent) → operator-graph JSON.
 *
 * Steps: decode and bound the input (decode.ts); list every op without a mapping and fail once
 * with all of them; seed shapes from graph inputs, initializers and value_info (symbolic dims from
 * options); convert the nodes in file order (onnx.proto: "The nodes in the graph, sorted
 * topologically"), inferring each output shape with the operator-graph rules.
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md
 */
import {
  parseOperatorGraph,
  type OperatorGraph,
  type OperatorGraphJson,
} from '../operator-graph/index.js';
import { ImportContext } from './context.js';
import { decodeModelGraph } from './decode.js';
import { OnnxImportError } from './errors.js';
import type { NodeView } from './ops-common.js';
import { converterFor, opName } from './ops.js';
import type { GraphProtoObject } from './schema.js';
import type { OnnxImportOptions } from './tensors.js';

/** Fail once, naming every op type that has no mapping and the first node of each. */
function checkSupported(graph: GraphProtoObject): void {
  const firstNode = new Map<string, string>();
  graph.node.forEach((node, i) => {
    if (converterFor(node.op_type, node.domain) !== undefined) return;
    const name = opName(node.op_type, node.domain);
    if (!firstNode.has(name)) firstNode.set(name, node.name === '' ? `node[${i}]` : node.name);
  });
  if (firstNode.size === 0) return;
  const ops = [...firstNode.keys()].sort();
  const listing = ops.map((op) => `${op} (e.g. '${firstNode.get(op) ?? ''}')`).join(', ');
  throw new OnnxImportError('model.graph.node', `unsupported ONNX ops: ${listing}`, ops);
}

function nodeViews(graph: GraphProtoObject): NodeView[] {
  const ids = new Set<string>();
  return graph.node.map((node, i) => {
    let id = node.name === '' ? `${node.op_type}_${i}` : node.name;
    for (let k = 2; ids.has(id); k++) id = `${node.name === '' ? node.op_type : node.name}_${k}`;
    ids.add(id);
    return {
      id,
      field: `model.graph.node[${i}]`,
      opType: node.op_type,
      domain: node.domain,
      inputs: node.input,
      outputs: node.output,
      attrs: new Map(node.attribute.map((a) => [a.name, a])),
    };
  });
}

/**
 * Convert a graph-only ONNX ModelProto into operator-graph JSON.
 * @param bytes the `.onnx` file (at most 64 MiB and 5,000 nodes; weights may be external)
 * @param options `batchSize` for axis-0 symbolic dims of graph inputs, `dimParams` by name
 * @returns operator-graph JSON, to be validated with `parseOperatorGraph`; each node carries the
 *   ONNX op in `attributes.onnxOp`; float initializers of rank ≥ 1 are `parameter: true`
 * @throws OnnxImportError with a protobuf path in `field`; for missing op mappings, all of them in
 *   `unsupportedOps`
 */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): OperatorGraphJson {
  const graph = decodeModelGraph(bytes);
  checkSupported(graph);
  const ctx = new ImportContext(graph, options);
  for (const view of nodeViews(graph)) {
    const before = ctx.nodes.length;
    converterFor(view.opType, view.domain)?.(view, ctx);
    for (const emitted of ctx.nodes.slice(before)) emitted.attributes['onnxOp'] ??= view.opType;
  }
  if (ctx.nodes.length === 0)
    throw new OnnxImportError(
      'model.graph.node',
      'graph has no compute nodes after dropping pass-through ops',
    );
  return { tensors: Object.fromEntries(ctx.tensors), nodes: ctx.nodes };
}

/** {@link importOnnx}, then `parseOperatorGraph`: a validated graph in topological order. */
export function importOnnxGraph(bytes: Uint8Array, options: OnnxImportOptions = {}): OperatorGraph {
  return parseOperatorGraph(importOnnx(bytes, options));
}
