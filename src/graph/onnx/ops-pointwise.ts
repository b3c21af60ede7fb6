/**
 * Converters for element-wise ops, normalisations, softmax and reductions (pooling included).
 * @see https://onnx.ai/onnx/operators/ (each op's page gives the defaults quoted below)
 */
import type { OperatorKind } from '../operator-graph/index.js';
import {
  axesOperand,
  axis,
  fail,
  intAttr,
  intsAttr,
  floatAttr,
  optionalInput,
  output,
  product,
  requiredInput,
  type Converter,
  type NodeView,
} from './ops-common.js';
import type { ImportContext } from './context.js';

/**
 * One-input element-wise ops. Sigmoid, Tanh and Erf have no kind of their own: they map to
 * `silu` (same per-element cost class: one exp-like function and a few arithmetic ops), with the
 * ONNX op kept in the node's `onnxOp` attribute.
 */
const UNARY_KIND: Readonly<Record<string, OperatorKind>> = {
  Relu: 'relu',
  Gelu: 'gelu',
  Silu: 'silu',
  Swish: 'silu',
  Sigmoid: 'silu',
  Tanh: 'silu',
  Erf: 'silu',
  Softmax: 'softmax',
  LogSoftmax: 'softmax',
};

/** Relu/Gelu/…/Softmax: same shape out; Softmax keeps its `axis` (default −1, opset 13). */
export const convertUnary: Converter = (n, ctx) => {
  const op = UNARY_KIND[n.opType] ?? fail(n, 'no unary mapping');
  const attributes = op === 'softmax' ? { axis: intAttr(n, 'axis', -1) } : {};
  ctx.emit(
    {
      id: n.id,
      op,
      inputs: [ctx.ref(requiredInput(n, 0), n.field)],
      output: output(n),
      attributes,
    },
    n.field,
  );
};

/** An operand of a binary op; a scalar (rank 0) is declared as [1], which broadcasts the same. */
function operand(n: NodeView, ctx: ImportContext, k: number): string {
  const name = requiredInput(n, k);
  if (ctx.shape(name, n.field).length > 0) return ctx.ref(name, n.field);
  return ctx.use(name, n.field, [1]) ?? fail(n, `scalar '${name}' is used elsewhere as a tensor`);
}

/** Add/Sub → `add`, Mul/Div → `mul` (multidirectional broadcasting, same cost per element). */
export const convertBinary: Converter = (n, ctx) => {
  const op: OperatorKind = n.opType === 'Add' || n.opType === 'Sub' ? 'add' : 'mul';
  const inputs = [operand(n, ctx, 0), operand(n, ctx, 1)];
  ctx.emit({ id: n.id, op, inputs, output: output(n) }, n.field);
};

/** A per-channel operand (scale, bias) declared as [hidden]; `[1, 1, H]` initializers fold to [H]. */
function vector(n: NodeView, ctx: ImportContext, name: string, hidden: number): string {
  if (product(ctx.shape(name, n.field)) !== hidden)
    fail(n, `operand '${name}' must have ${hidden} elements`);
  return (
    ctx.use(name, n.field, [hidden]) ??
    fail(n, `operand '${name}' is used elsewhere with another shape`)
  );
}

/**
 * LayerNormalization (opset 17; `axis` default −1) → `layernorm`;
 * SimplifiedLayerNormalization (ONNX Runtime) and RMSNormalization (opset 23) → `rmsnorm`.
 * Only normalisation over the last dim is supported; Mean/InvStdDev outputs are not produced.
 * @see https://onnx.ai/onnx/operators/onnx__LayerNormalization.html
 * @see https://onnx.ai/onnx/operators/onnx__RMSNormalization.html
 */
export const convertNorm: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const rank = shape.length;
  if (axis(n, intAttr(n, 'axis', -1), rank) !== rank - 1)
    fail(n, 'only normalisation over the last dim is supported');
  const hidden = shape[rank - 1] ?? 1;
  const operands = [optionalInput(n, 1), optionalInput(n, 2)].flatMap((t) =>
    t === undefined ? [] : [t],
  );
  const inputs = [ctx.ref(x, n.field), ...operands.map((t) => vector(n, ctx, t, hidden))];
  const op: OperatorKind = n.opType === 'LayerNormalization' ? 'layernorm' : 'rmsnorm';
  const epsilon = floatAttr(n, 'epsilon');
  ctx.emit(
    {
      id: n.id,
      op,
      inputs,
      output: output(n),
      attributes: epsilon === undefined ? {} : { epsilon },
    },
    n.field,
  );
};

/**
 * ReduceMean/ReduceSum/ReduceMax → `reduce`: `axes` attribute or input 1 (opset 13 ReduceSum,
 * 18 others), default all axes; `keepdims` default 1; `noop_with_empty_axes` = 1 with no axes
 * is the identity.
 * @see https://onnx.ai/onnx/operators/onnx__ReduceMean.html
 */
export const convertReduce: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const rank = ctx.shape(x, n.field).length;
  const axes = axesOperand(n, ctx, 1);
  if ((axes === undefined || axes.length === 0) && intAttr(n, 'noop_with_empty_axes', 0) === 1) {
    ctx.alias(output(n), x);
    return;
  }
  const all = Array.from({ length: rank }, (_, i) => i);
  const attributes = {
    axes: axes === undefined || axes.length === 0 ? all : axes.map((a) => axis(n, a, rank)),
    keepdims: intAttr(n, 'keepdims', 1) === 1,
  };
  ctx.emit(
    { id: n.id, op: 'reduce', inputs: [ctx.ref(x, n.field)], output: output(n), attributes },
    n.field,
  );
};

/** GlobalAveragePool/GlobalMaxPool: [N, C, H, W] → [N, C, 1, 1]. */
export const convertGlobalPool: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const rank = ctx.shape(x, n.field).length;
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  const attributes = { axes, keepdims: true };
  ctx.emit(
    { id: n.id, op: 'reduce', inputs: [ctx.ref(x, n.field)], output: output(n), attributes },
    n.field,
  );
};

/**
 * AveragePool/MaxPool (2-D). Output size per dim: floor((in + padBegin + padEnd − kernel) /
 * stride) + 1 (ceil with `ceil_mode`). When each output covers a whole `in/out` block, the pool
 * is a `reshape` to [N, C, outH, in/outH, outW, in/outW] then a `reduce` over axes 3 and 5. For
 * overlapping windows (e.g. ResNet's 3×3 stride-2 pad-1 max pool) this uses stride-sized blocks:
 * the output shape is exact, the reduction work is stride² instead of kernel² per output
 * (pooling work is negligible next to the convolutions). Other configurations are rejected.
 * @see https://onnx.ai/onnx/operators/onnx__MaxPool.html
 */
export const convertPool: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  if (shape.length !== 4) fail(n, 'only 2-D (NCHW) pooling is supported');
  const kernel = intsAttr(n, 'kernel_shape') ?? fail(n, 'kernel_shape is required');
  const strides = intsAttr(n, 'strides') ?? [1, 1];
  const pads = intsAttr(n, 'pads') ?? [0, 0, 0, 0];
  const round = intAttr(n, 'ceil_mode', 0) === 1 ? Math.ceil : Math.floor;
  const spatial = shape.slice(2);
  const outDims = spatial.map((d, i) => {
    const [k, s] = [kernel[i] ?? 1, strides[i] ?? 1];
    return round((d + (pads[i] ?? 0) + (pads[i + 2] ?? 0) - k) / s) + 1;
  });
  const [batch, channels] = [shape[0] ?? 1, shape[1] ?? 1];
  const blocks = spatial.map((d, i) => d / (outDims[i] ?? 1));
  if (blocks.some((b) => !Number.isInteger(b) || b < 1))
    fail(n, `output [${outDims.join(', ')}] does not tile input [${spatial.join(', ')}]`);
  const [oh, ow, bh, bw] = [outDims[0] ?? 1, outDims[1] ?? 1, blocks[0] ?? 1, blocks[1] ?? 1];
  const windows = ctx.fresh(`${output(n)}/windows`);
  const info = { kernel_shape: kernel, strides, pads };
  const reshape = { shape: [batch, channels, oh, bh, ow, bw] };
  ctx.emit(
    {
      id: `${n.id}/windows`,
      op: 'reshape',
      inputs: [ctx.ref(x, n.field)],
      output: windows,
      attributes: reshape,
    },
    n.field,
  );
  const attributes = { ...info, axes: [3, 5], keepdims: false };
  ctx.emit({ id: n.id, op: 'reduce', inputs: [windows], output: output(n), attributes }, n.field);
};
