/**
 * Operator-graph input: the JSON format other tools hand to Strata (issue #4).
 *
 * Glossary: a "tensor" is a named value with a shape (elements per dimension, "dim" = tensor
 * dimension); a "node" (op) reads `inputs` and writes `outputs` by tensor name. A tensor that no
 * node produces is a graph input; with `parameter: true` it is a trainable weight.
 */
import { BYTES_PER_ELEMENT } from '../../base/index.js';

/** Op kinds accepted by the operator-graph format. */
export const OPERATOR_KINDS = [
  'matmul',
  'linear',
  'batched-matmul',
  'attention',
  'conv2d',
  'layernorm',
  'rmsnorm',
  'softmax',
  'relu',
  'gelu',
  'silu',
  'add',
  'mul',
  'embedding',
  'reduce',
  'reshape',
  'transpose',
  'concat',
] as const;

export type OperatorKind = (typeof OPERATOR_KINDS)[number];

/** Largest accepted graph, in nodes (keeps the ILP and the stage DP tractable). */
export const MAX_GRAPH_NODES = 5_000;

/**
 * Largest graph accepted from an importer (`parseOperatorGraph(json, { maxNodes })`): real ONNX
 * exports have thousands of nodes, and repeated blocks ({@link RepeatedBlock}) let a planner
 * cost each distinct block once.
 */
export const MAX_IMPORTED_GRAPH_NODES = 100_000;

/** Bytes per element of each format the operator-graph format knows: base's floats, plus integers. */
export const DTYPE_BYTES = {
  ...BYTES_PER_ELEMENT,
  int64: 8,
  int32: 4,
  int8: 1,
  bool: 1,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;

/** Default dtype of a tensor that gives none (mixed-precision training activations). */
export const DEFAULT_DTYPE: Dtype = 'bf16';

export interface TensorSpec {
  /** Elements per dimension. */
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  /** Trainable weight (has a gradient and optimizer state). */
  readonly parameter: boolean;
}

export type AttributeValue = number | string | boolean | readonly number[];

/**
 * The forward cost of one node as its source computed it from the op's own semantics (the ONNX
 * importer's per-op rules, src/graph/onnx/cost-*.ts), for nodes whose kind only approximates the
 * op (a `reshape` with `explicitShape` standing for Resize, a `conv2d` standing for
 * ConvTranspose, `silu` for Tanh). Absent on hand-written graphs: the kind's formula applies.
 */
export interface OperatorCost {
  /** FLOPs of one forward pass (a count; one multiply-add = 2 FLOPs). */
  readonly forwardFlops: number;
  /** Bytes read and written by one forward pass. */
  readonly forwardBytes: number;
}

export interface OperatorNode {
  readonly id: string;
  readonly op: OperatorKind;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly cost?: OperatorCost;
}

/**
 * A run of identical blocks in the topological node order: block k is
 * `nodes[starts[k] .. starts[k] + nodeCount)`, and every block has the same ops, attributes,
 * tensor shapes and internal wiring (a transformer exported layer by layer). A stage DP or an
 * intra-op ILP can cost one block and reuse the answer for the others.
 */
export interface RepeatedBlock {
  /** Stable hash of one block's structure (equal signatures = interchangeable blocks). */
  readonly signature: string;
  /** Nodes per block. */
  readonly nodeCount: number;
  /** Index in `nodes` of each block's first node, ascending; contiguous blocks. */
  readonly starts: readonly number[];
}

/** A validated operator graph; `nodes` are in a topological order (stable: input order first). */
export interface OperatorGraph {
  readonly tensors: Readonly<Record<string, TensorSpec>>;
  readonly nodes: readonly OperatorNode[];
  /** Repeated structure, when found (`findRepeatedBlocks`); the ONNX importer always sets it. */
  readonly repeatedBlocks?: readonly RepeatedBlock[];
}
