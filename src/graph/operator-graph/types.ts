/**
 * Operator-graph input: the JSON format other tools hand to Strata (issue #4).
 *
 * Glossary: a "tensor" is a named value with a shape (elements per dimension, "dim" = tensor
 * dimension); a "node" (op) reads `inputs` and writes `outputs` by tensor name. A tensor that no
 * node produces is a graph input; with `parameter: true` it is a trainable weight.
 */

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

/** Element formats the format knows; bytes per element in {@link DTYPE_BYTES}. */
export const DTYPE_BYTES = {
  fp32: 4,
  tf32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
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

export interface OperatorNode {
  readonly id: string;
  readonly op: OperatorKind;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** A validated operator graph; `nodes` are in a topological order (stable: input order first). */
export interface OperatorGraph {
  readonly tensors: Readonly<Record<string, TensorSpec>>;
  readonly nodes: readonly OperatorNode[];
}
