/** Operator-graph input (issue #4): types, validation, errors. */
export { GraphInputError } from './errors.js';
export { parseOperatorGraph, graphInputs } from './validate.js';
export { inferOutputShape } from './shapes.js';
export { operatorGraphSchema } from './schema.js';
export type { OperatorGraphJson } from './schema.js';
export {
  OPERATOR_KINDS,
  MAX_GRAPH_NODES,
  MAX_IMPORTED_GRAPH_NODES,
  DTYPE_BYTES,
  DEFAULT_DTYPE,
} from './types.js';
export { findRepeatedBlocks, withRepeatedBlocks } from './repeated-blocks.js';
export type { ParseOptions } from './validate.js';
export type {
  OperatorGraph,
  OperatorNode,
  OperatorKind,
  TensorSpec,
  Dtype,
  AttributeValue,
  OperatorCost,
  RepeatedBlock,
} from './types.js';
