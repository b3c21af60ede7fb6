/**
 * Per-op FLOPs and bytes of an operator graph (issue #4). Counts are per forward pass of the
 * graph's shapes (one micro-batch if the graph is written per micro-batch).
 *
 * Conventions: one multiply-add = 2 FLOPs. Element-wise FLOP counts are small named constants
 * (they are memory-bound; the constants only matter against the roofline).
 *
 * The node's own cost wins: a node that carries `cost` (the ONNX importer computes it from the
 * ONNX op's semantics, src/graph/onnx/cost.ts) is priced by `cost.forwardFlops` and
 * `cost.forwardBytes`; the kind-based formulas below apply only to nodes without one
 * (hand-written operator graphs). An imported node's kind only approximates its op — Resize is a
 * `reshape` with an explicit shape (0 FLOPs by kind, interpolation FLOPs by its cost), ConvTranspose
 * a `conv2d` (whose kind formula reads the weight as [O, C, kh, kw], ConvTranspose's is
 * [C, O/g, kh, kw]), Einsum and LSTM gate GEMMs `batched-matmul`/`matmul` over reshaped operands —
 * so the kind's formula would misprice it. The backward keeps the kind's rule: 2× the forward
 * for matmul-like kinds, 1× otherwise, applied to the node's forward FLOPs whichever source.
 */
import {
  DTYPE_BYTES,
  type OperatorGraph,
  type OperatorNode,
  type TensorSpec,
} from '../graph/operator-graph/index.js';

/** LayerNorm per element: mean, variance, subtract, scale, shift. */
export const NORM_FLOPS_PER_ELEMENT = 5;
/** Softmax per element: max, subtract, exp, sum, divide. */
export const SOFTMAX_FLOPS_PER_ELEMENT = 5;
/** GELU (tanh approximation) per element: ~8 multiply/add/tanh. */
export const GELU_FLOPS_PER_ELEMENT = 8;
/** SiLU per element: sigmoid (exp, add, divide) + multiply. */
export const SILU_FLOPS_PER_ELEMENT = 4;
/**
 * Backward/forward FLOP ratio of matmul-like ops: the backward computes two GEMMs of the forward's
 * size (input gradient dX = dY·Wᵀ and weight gradient dW = Xᵀ·dY), hence 2×.
 * @see Kaplan et al. 2020, "Scaling Laws for Neural Language Models", §2.1 (C ≈ 6N: 2N forward, 4N backward);
 *      Narayanan et al. SC'21, §5.1 (backward = 2× forward)
 */
export const MATMUL_BACKWARD_FLOPS_FACTOR = 2;
/** Element-wise ops: the backward reads the output gradient and recomputes the same amount (1×). */
export const ELEMENTWISE_BACKWARD_FLOPS_FACTOR = 1;

const MATMUL_LIKE: ReadonlySet<string> = new Set([
  'matmul',
  'linear',
  'batched-matmul',
  'attention',
  'conv2d',
]);

/** Elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Bytes of one tensor: elements × bytes per element of its dtype. */
export function tensorBytes(tensor: TensorSpec): number {
  return elementCount(tensor.shape) * DTYPE_BYTES[tensor.dtype];
}

function shapeOf(graph: OperatorGraph, name: string | undefined): readonly number[] {
  return (name === undefined ? undefined : graph.tensors[name]?.shape) ?? [];
}

/** Whether the op is a GEMM-like op (runs on tensor cores; backward = 2× forward). */
export function isMatmulLike(node: OperatorNode): boolean {
  return MATMUL_LIKE.has(node.op);
}

/**
 * Forward FLOPs of one op: `node.cost.forwardFlops` when the node carries a cost (file comment),
 * else by kind:
 *  matmul/linear: 2·M·K·N (M = product of A's leading dims) + M·N for a bias;
 *  batched-matmul: 2·b·M·K·N; attention: 4·B·S·T·H (QKᵀ and scores·V, 2·B·S·T·H each);
 *  conv2d: 2·N·O·H'·W'·C·kh·kw; element-wise: constant × output elements; reduce: input elements.
 * @returns FLOPs (a count)
 * @see Narayanan et al. SC'21, §5.1 (4·b·s²·h attention term); Alpa's op cost tables use the same GEMM count.
 */
export function forwardFlops(graph: OperatorGraph, node: OperatorNode): number {
  if (node.cost !== undefined) return node.cost.forwardFlops;
  const a = shapeOf(graph, node.inputs[0]);
  const b = shapeOf(graph, node.inputs[1]);
  const out = elementCount(shapeOf(graph, node.outputs[0]));
  switch (node.op) {
    case 'matmul':
    case 'linear':
      return 2 * out * (a[a.length - 1] ?? 1) + (node.inputs.length > 2 ? out : 0);
    case 'batched-matmul':
      return 2 * out * (a[a.length - 1] ?? 1);
    case 'attention':
      return 4 * (a[0] ?? 1) * (a[1] ?? 1) * (b[1] ?? 1) * (a[2] ?? 1);
    case 'conv2d':
      return 2 * out * (b[1] ?? 1) * (b[2] ?? 1) * (b[3] ?? 1);
    case 'layernorm':
    case 'rmsnorm':
      return NORM_FLOPS_PER_ELEMENT * out;
    case 'softmax':
      return SOFTMAX_FLOPS_PER_ELEMENT * out;
    case 'gelu':
      return GELU_FLOPS_PER_ELEMENT * out;
    case 'silu':
      return SILU_FLOPS_PER_ELEMENT * out;
    case 'relu':
    case 'add':
    case 'mul':
      return out;
    case 'reduce':
      return elementCount(a);
    case 'embedding':
    case 'reshape':
    case 'transpose':
    case 'concat':
      return 0;
  }
}

/** Backward FLOPs: forward × {@link MATMUL_BACKWARD_FLOPS_FACTOR} for matmul-like ops, × 1 otherwise. */
export function backwardFlops(graph: OperatorGraph, node: OperatorNode): number {
  const factor = isMatmulLike(node)
    ? MATMUL_BACKWARD_FLOPS_FACTOR
    : ELEMENTWISE_BACKWARD_FLOPS_FACTOR;
  return factor * forwardFlops(graph, node);
}

/**
 * Bytes the forward reads and writes: `node.cost.forwardBytes` when the node carries a cost, else
 * Σ input bytes + Σ output bytes (no cache reuse).
 */
export function forwardBytes(graph: OperatorGraph, node: OperatorNode): number {
  if (node.cost !== undefined) return node.cost.forwardBytes;
  const sum = (names: readonly string[]): number =>
    names.reduce((s, t) => s + (graph.tensors[t] ? tensorBytes(graph.tensors[t]) : 0), 0);
  return sum(node.inputs) + sum(node.outputs);
}

/** Bytes of the op's parameter inputs (weights it owns), each counted once. */
export function parameterBytes(graph: OperatorGraph, node: OperatorNode): number {
  return [...new Set(node.inputs)].reduce((s, t) => {
    const spec = graph.tensors[t];
    return s + (spec?.parameter === true ? tensorBytes(spec) : 0);
  }, 0);
}
