/**
 * ONNX import (issues #4, #18): an `.onnx` file (weights included, up to 256 MiB) → operator
 * graph + summary. `readOnnxModel` decodes and bounds the bytes; `summarizeOnnxModel` says what
 * the file holds before any dim is bound; `buildOnnxGraph` binds dims and builds the graph.
 */
export {
  buildOnnxGraph,
  checkSupportedOps,
  importOnnx,
  importOnnxGraph,
  importOnnxModel,
  type OnnxImport,
  type OnnxImportSummary,
  type WeightBreakdown,
} from './import.js';
export { readOnnxModel, MAX_ONNX_BYTES, MAX_ONNX_NODES } from './read-model.js';
export { summarizeOnnxModel, type OnnxInputSummary, type OnnxModelSummary } from './summary.js';
export { OnnxImportError, type OnnxImportReason } from './errors.js';
export { DEFAULT_BATCH_SIZE, type OnnxImportOptions } from './dims.js';
export { ModelProto, ONNX_DATA_TYPE, ATTRIBUTE_TYPE, ONNX_SCHEMA_VERSION } from './proto.js';
export type { OnnxModel } from './model-types.js';
