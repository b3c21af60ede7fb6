/**
 * Bytes → decoded ModelProto, with the input bounds checked before and after decoding.
 * Weights are expected external or absent: only names, dims and data types of initializers are
 * read, plus the values of small integer tensors (shape and axes operands).
 */
import { MAX_GRAPH_NODES } from '../operator-graph/index.js';
import { OnnxImportError } from './errors.js';
import {
  DECODE_OPTIONS,
  ModelProto,
  type GraphProtoObject,
  type ModelProtoObject,
} from './schema.js';

/** Largest accepted file: 64 MiB (2^26 bytes). Graph-only models are far smaller. */
export const MAX_ONNX_BYTES = 64 * 2 ** 20;

/** Largest accepted ONNX graph, in nodes: the operator-graph limit. */
export const MAX_ONNX_NODES = MAX_GRAPH_NODES;

/**
 * Decode `bytes` as an `onnx.ModelProto` and return its graph.
 * @throws OnnxImportError on a non-Uint8Array, too many bytes or nodes, undecodable bytes, or a
 *   model without a graph
 */
export function decodeModelGraph(bytes: Uint8Array): GraphProtoObject {
  if (!(bytes instanceof Uint8Array))
    throw new OnnxImportError('model', 'expected the ONNX file as bytes (Uint8Array)');
  if (bytes.byteLength > MAX_ONNX_BYTES)
    throw new OnnxImportError(
      'model',
      `file is ${bytes.byteLength} bytes, over the ${MAX_ONNX_BYTES}-byte (64 MiB) limit; ` +
        'export the graph with external weights (onnx save_as_external_data)',
    );
  let model: ModelProtoObject;
  try {
    model = ModelProto.toObject(ModelProto.decode(bytes), DECODE_OPTIONS) as ModelProtoObject;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxImportError('model', `not a valid ONNX ModelProto (${reason})`);
  }
  const graph = model.graph;
  if (graph === undefined || graph === null || model.ir_version < 1)
    throw new OnnxImportError(
      'model.graph',
      'not an ONNX model: no ir_version or no graph (is this an ONNX ModelProto file?)',
    );
  if (graph.node.length === 0) throw new OnnxImportError('model.graph.node', 'graph has no nodes');
  if (graph.node.length > MAX_ONNX_NODES)
    throw new OnnxImportError(
      'model.graph.node',
      `graph has ${graph.node.length} nodes, over the limit of ${MAX_ONNX_NODES}`,
    );
  return graph;
}
