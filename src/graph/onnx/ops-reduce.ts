/**
 * Reductions and pooling → `reduce`: ReduceMean/Sum/Max/Min/Prod/L1/L2/LogSumExp/SumSquare and
 * ArgMax/ArgMin over axes; GlobalAveragePool/GlobalMaxPool over the spatial dims; MaxPool,
 * AveragePool and LpPool as a windowed `reduce` (kernel_shape, strides, pads, dilations,
 * ceil_mode, auto_pad), so every pooling has its exact output shape and its window cost.
 * @see https://onnx.ai/onnx/operators/onnx__ReduceMean.html
 * @see https://onnx.ai/onnx/operators/onnx__MaxPool.html
 */
import type { Emit, ImportContext } from './context.js';
import { poolFlops, reduceFlops } from './cost.js';
import {
  axesOperand,
  axis,
  fail,
  intAttr,
  intsAttr,
  output,
  product,
  requiredInput,
  stringAttr,
  type Converter,
  type NodeView,
} from './ops-common.js';
import { ONNX_DATA_TYPE } from './proto.js';

/** Emit the node's one `reduce` of input `x` into its output (every converter here ends so). */
function emitReduce(
  n: NodeView,
  ctx: ImportContext,
  x: string,
  node: Pick<Emit, 'attributes' | 'forwardFlops' | 'elemType'>,
): void {
  const inputs = [ctx.ref(x, n.field)];
  ctx.emit({ id: n.id, op: 'reduce', inputs, output: output(n), ...node }, n.field);
}

/**
 * Reduce ops: `axes` attribute or input 1 (opset 13 ReduceSum, 18 others), default all axes;
 * `keepdims` default 1; `noop_with_empty_axes` = 1 with no axes is the identity. ArgMax/ArgMin
 * reduce one `axis` (default 0) and give int64 indices.
 */
export const convertReduce: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const rank = shape.length;
  const arg = n.opType === 'ArgMax' || n.opType === 'ArgMin';
  const axes = arg ? [intAttr(n, 'axis', 0)] : axesOperand(n, ctx, 1);
  if ((axes === undefined || axes.length === 0) && intAttr(n, 'noop_with_empty_axes', 0) === 1) {
    ctx.alias(output(n), x);
    return;
  }
  const all = Array.from({ length: rank }, (_, i) => i);
  const reduced = axes === undefined || axes.length === 0 ? all : axes.map((a) => axis(n, a, rank));
  // A reduction to a scalar keeps its dims ([1, 1, …]): operator-graph tensors have rank ≥ 1.
  const toScalar = new Set(reduced).size === rank;
  const attributes = { axes: reduced, keepdims: intAttr(n, 'keepdims', 1) === 1 || toScalar };
  emitReduce(n, ctx, x, {
    attributes,
    forwardFlops: (s) => reduceFlops(n.opType, product(shape), product(s)),
    ...(arg ? { elemType: ONNX_DATA_TYPE.INT64 } : {}),
  });
};

/** GlobalAveragePool/GlobalMaxPool/GlobalLpPool: [N, C, d…] → [N, C, 1…]. */
export const convertGlobalPool: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const axes = Array.from({ length: shape.length - 2 }, (_, i) => i + 2);
  emitReduce(n, ctx, x, {
    attributes: { axes, keepdims: true },
    forwardFlops: (s) => reduceFlops('ReduceMean', product(shape), product(s)),
  });
};

/** `auto_pad` SAME_*: out = ceil(in / stride); the extra pad goes last (UPPER) or first. */
function autoPads(
  n: NodeView,
  spatial: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
): number[] | undefined {
  const mode = stringAttr(n, 'auto_pad', 'NOTSET');
  if (mode === 'VALID') return [...spatial, ...spatial].map(() => 0);
  if (!mode.startsWith('SAME')) return undefined;
  const totals = spatial.map((d, i) => {
    const s = strides[i] ?? 1;
    return Math.max(0, (Math.ceil(d / s) - 1) * s + (kernel[i] ?? 1) - d);
  });
  const begin = totals.map((t) => (mode === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
  return [...begin, ...totals.map((t, i) => t - (begin[i] ?? 0))];
}

/**
 * MaxPool/AveragePool/LpPool → windowed `reduce`: out = round((in + pads − dilation·(k − 1) − 1)
 * / stride) + 1, round = floor or ceil (`ceil_mode`); N·C·∏out·∏k FLOPs.
 */
export const convertPool: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  if (shape.length < 3) fail(n, `input must be [N, C, d…], got [${shape.join(', ')}]`);
  if (n.outputs.length > 1 && n.outputs[1] !== '') fail(n, 'the Indices output is not supported');
  const kernel = intsAttr(n, 'kernel_shape') ?? fail(n, 'kernel_shape is required');
  const spatial = shape.slice(2);
  const strides = intsAttr(n, 'strides') ?? kernel.map(() => 1);
  const pads =
    autoPads(n, spatial, kernel, strides) ??
    intsAttr(n, 'pads') ??
    [...kernel, ...kernel].map(() => 0);
  const attributes = {
    kernel_shape: kernel,
    strides,
    pads,
    dilations: intsAttr(n, 'dilations') ?? kernel.map(() => 1),
    ceil_mode: intAttr(n, 'ceil_mode', 0),
  };
  const average = n.opType === 'AveragePool';
  emitReduce(n, ctx, x, {
    attributes,
    forwardFlops: (s) => poolFlops(product(s), kernel, average),
  });
};
