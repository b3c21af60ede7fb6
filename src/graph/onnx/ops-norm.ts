/**
 * Normalisations. LayerNormalization (any `axis`: the trailing dims are flattened into one),
 * SimplifiedLayerNormalization / RMSNormalization / SkipLayerNormalization → `layernorm` or
 * `rmsnorm` over the last dim; BatchNormalization and InstanceNormalization (per-channel, dim 1)
 * → `mul` by the scale then `add` of the bias, both declared [C, 1, …] (same elements), the
 * running mean/variance read as buffers. GroupNormalization → an explicit-shape node. All cost
 * {@link NORM_FLOPS_PER_ELEMENT} per element (mean, variance, subtract, scale, shift).
 * @see https://onnx.ai/onnx/operators/onnx__LayerNormalization.html
 * @see https://onnx.ai/onnx/operators/onnx__BatchNormalization.html
 * @see https://onnx.ai/onnx/operators/onnx__RMSNormalization.html
 */
import type { OperatorKind } from '../operator-graph/index.js';
import type { ImportContext } from './context.js';
import { NORM_FLOPS_PER_ELEMENT } from './cost.js';
import { emitExplicit, emitReshape } from './emit.js';
import {
  axis,
  fail,
  floatAttr,
  intAttr,
  optionalInput,
  output,
  product,
  requiredInput,
  type Converter,
  type NodeView,
} from './ops-common.js';

/** A per-feature operand (scale, bias) declared as [hidden]; `[1, 1, H]` stored tensors fold to [H]. */
function vector(n: NodeView, ctx: ImportContext, name: string, hidden: number): string {
  if (product(ctx.shape(name, n.field)) !== hidden)
    fail(n, `operand '${name}' must have ${hidden} elements`);
  return ctx.ref(name, n.field, [hidden]);
}

/** LayerNormalization / RMSNormalization / SimplifiedLayerNormalization / SkipLayerNormalization. */
export const convertNorm: Converter = (n, ctx) => {
  let x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const rank = shape.length;
  const at = axis(n, intAttr(n, 'axis', -1), rank);
  const hidden = product(shape.slice(at));
  const skip =
    n.opType === 'SkipLayerNormalization' || n.opType === 'SkipSimplifiedLayerNormalization';
  if (skip) {
    const sum = ctx.fresh(`${output(n)}/residual`);
    const inputs = [ctx.ref(x, n.field), ctx.ref(requiredInput(n, 1), n.field)];
    ctx.emit(
      {
        id: ctx.nodeId(`${n.id}/residual`),
        op: 'add',
        inputs,
        output: sum,
        forwardFlops: product(shape),
      },
      n.field,
    );
    x = sum;
  }
  const flat = at === rank - 1 ? x : ctx.fresh(`${x}/flat`);
  if (flat !== x)
    emitReshape(n, ctx, x, [...shape.slice(0, at), hidden], flat, ctx.nodeId(`${n.id}/flatten`));
  const operands = (skip ? [2, 3] : [1, 2]).flatMap((k) => {
    const t = optionalInput(n, k);
    return t === undefined ? [] : [vector(n, ctx, t, hidden)];
  });
  const rms = n.opType !== 'LayerNormalization' && n.opType !== 'SkipLayerNormalization';
  const op: OperatorKind = rms ? 'rmsnorm' : 'layernorm';
  const epsilon = floatAttr(n, 'epsilon');
  const out = flat === x ? output(n) : ctx.fresh(`${output(n)}/flat`);
  ctx.emit(
    {
      id: n.id,
      op,
      inputs: [ctx.ref(flat, n.field), ...operands],
      output: out,
      attributes: epsilon === undefined ? {} : { epsilon },
      forwardFlops: NORM_FLOPS_PER_ELEMENT * product(shape),
    },
    n.field,
  );
  if (out !== output(n))
    emitReshape(n, ctx, out, shape, output(n), ctx.nodeId(`${n.id}/unflatten`));
};

/**
 * BatchNormalization (X, scale, B, mean, var) and InstanceNormalization (X, scale, B): the
 * statistics, subtract and scale (4 FLOPs per element) on the `mul`, the shift (1) on the `add`.
 */
export const convertChannelNorm: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  if (shape.length < 2) fail(n, `input must be at least [N, C], got [${shape.join(', ')}]`);
  const channels = shape[1] ?? 1;
  const perChannel = [channels, ...shape.slice(2).map(() => 1)];
  const [scale, bias] = [requiredInput(n, 1), requiredInput(n, 2)];
  for (const t of [scale, bias])
    if (product(ctx.shape(t, n.field)) !== channels)
      fail(n, `operand '${t}' must have ${channels} elements`);
  for (const k of [3, 4]) {
    const stat = optionalInput(n, k);
    if (stat !== undefined) ctx.consume(stat);
  }
  const elements = product(shape);
  const scaled = ctx.fresh(`${output(n)}/scaled`);
  const mulInputs = [ctx.ref(x, n.field), ctx.ref(scale, n.field, perChannel)];
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/scale`),
      op: 'mul',
      inputs: mulInputs,
      output: scaled,
      forwardFlops: (NORM_FLOPS_PER_ELEMENT - 1) * elements,
    },
    n.field,
  );
  const addInputs = [scaled, ctx.ref(bias, n.field, perChannel)];
  ctx.emit(
    { id: n.id, op: 'add', inputs: addInputs, output: output(n), forwardFlops: elements },
    n.field,
  );
};

/** GroupNormalization (X, scale, bias) and LpNormalization: same shape out, norm cost. */
export const convertOtherNorm: Converter = (n, ctx) => {
  const names = n.inputs.filter((t) => t !== '');
  const shape = ctx.shape(requiredInput(n, 0), n.field);
  emitExplicit(n, ctx, names, shape, NORM_FLOPS_PER_ELEMENT * product(shape));
};
