/** ONNX import (issue #4): a graph-only `.onnx` file → operator-graph JSON. */
export { importOnnx, importOnnxGraph } from './import.js';
export { OnnxImportError } from './errors.js';
export { MAX_ONNX_BYTES, MAX_ONNX_NODES } from './decode.js';
export { ModelProto, ONNX_PROTO_SUBSET, ONNX_DATA_TYPE, ATTRIBUTE_TYPE } from './schema.js';
export type { OnnxImportOptions } from './tensors.js';
