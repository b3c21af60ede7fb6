/**
 * Converters for layout ops (Reshape, Flatten, Squeeze, Unsqueeze → `reshape` with a static
 * `shape`; Transpose; Concat), pass-through ops (Identity, Dropout, Cast: the node is dropped and
 * its output aliased to its input) and Constant (recorded as constant data, no node).
 * @see https://onnx.ai/onnx/operators/
 */
import type { ImportContext } from './context.js';
import { dtypeOf, integerValues } from './tensors.js';
import {
  axesOperand,
  axis,
  fail,
  intAttr,
  intsAttr,
  output,
  product,
  requiredInput,
  type Converter,
  type NodeView,
} from './ops-common.js';
import { ATTRIBUTE_TYPE } from './schema.js';

function emitReshape(n: NodeView, ctx: ImportContext, x: string, shape: number[]): void {
  const attributes = { shape };
  ctx.emit(
    { id: n.id, op: 'reshape', inputs: [ctx.ref(x, n.field)], output: output(n), attributes },
    n.field,
  );
}

/**
 * Reshape: target from the constant `shape` input, where 0 copies the input dim (unless
 * `allowzero`) and one −1 is inferred; without a constant, the output's value_info shape.
 * @see https://onnx.ai/onnx/operators/onnx__Reshape.html
 */
export const convertReshape: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const inShape = ctx.shape(x, n.field);
  const spec = ctx.constant(requiredInput(n, 1));
  if (spec === undefined) {
    const declared = ctx.declaredShape(output(n));
    if (declared === undefined)
      fail(n, 'shape is not a constant and the output has no value_info shape');
    emitReshape(n, ctx, x, declared);
    return;
  }
  const copyZero = intAttr(n, 'allowzero', 0) === 0;
  const dims = spec.map((d, i) =>
    d === 0 && copyZero ? (inShape[i] ?? fail(n, `shape[${i}] = 0 copies a missing dim`)) : d,
  );
  const known = product(dims.filter((d) => d !== -1));
  const target = dims.map((d) => (d === -1 ? product(inShape) / known : d));
  if (target.some((d) => !Number.isInteger(d) || d < 1))
    fail(n, `shape [${spec.join(', ')}] does not fit input [${inShape.join(', ')}]`);
  emitReshape(n, ctx, x, target);
};

/** Flatten (`axis` default 1): [d0..d(axis−1), d(axis)..] → [∏ before, ∏ from axis]. */
export const convertFlatten: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const raw = intAttr(n, 'axis', 1);
  const at = raw === shape.length ? raw : axis(n, raw, shape.length);
  emitReshape(n, ctx, x, [product(shape.slice(0, at)), product(shape.slice(at))]);
};

/** Squeeze: drop the given axes (attribute before opset 13, input 1 after), default all 1-dims. */
export const convertSqueeze: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const axes = axesOperand(n, ctx, 1)?.map((a) => axis(n, a, shape.length));
  emitReshape(
    n,
    ctx,
    x,
    shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i))),
  );
};

/** Unsqueeze: insert 1-dims at `axes`, which index the output rank. */
export const convertUnsqueeze: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const given = axesOperand(n, ctx, 1) ?? fail(n, 'axes are required');
  const rank = shape.length + given.length;
  const axes = given.map((a) => axis(n, a, rank));
  const rest = [...shape];
  emitReshape(
    n,
    ctx,
    x,
    Array.from({ length: rank }, (_, i) => (axes.includes(i) ? 1 : (rest.shift() ?? 1))),
  );
};

/** Transpose: `perm` default reverses the dims. */
export const convertTranspose: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const rank = ctx.shape(x, n.field).length;
  const perm = intsAttr(n, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  ctx.emit(
    {
      id: n.id,
      op: 'transpose',
      inputs: [ctx.ref(x, n.field)],
      output: output(n),
      attributes: { perm },
    },
    n.field,
  );
};

/** Concat along the required `axis`. */
export const convertConcat: Converter = (n, ctx) => {
  const names = n.inputs.filter((t) => t !== '');
  const rank = ctx.shape(requiredInput(n, 0), n.field).length;
  const attributes = { axis: axis(n, intAttr(n, 'axis', 0), rank) };
  const inputs = names.map((t) => ctx.ref(t, n.field));
  ctx.emit({ id: n.id, op: 'concat', inputs, output: output(n), attributes }, n.field);
};

/** Identity, Dropout (inference or training: same shape), Cast: alias output 0 to input 0. */
export const convertPassThrough: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  ctx.shape(x, n.field);
  ctx.alias(output(n), x);
};

/**
 * Constant: `value` (a TensorProto), `value_int`, `value_ints` or `value_float` becomes constant
 * data that later nodes can read (Reshape shapes, axes) or use as a non-trainable operand.
 * @see https://onnx.ai/onnx/operators/onnx__Constant.html
 */
export const convertConstant: Converter = (n, ctx) => {
  const out = output(n);
  const value = n.attrs.get('value');
  const valueInt = n.attrs.get('value_int');
  const valueInts = n.attrs.get('value_ints');
  if (value?.type === ATTRIBUTE_TYPE.TENSOR && value.t !== undefined && value.t !== null)
    ctx.defineConstant(out, value.t.dims, dtypeOf(value.t.data_type), integerValues(value.t));
  else if (valueInt?.type === ATTRIBUTE_TYPE.INT)
    ctx.defineConstant(out, [], 'int64', [valueInt.i]);
  else if (valueInts?.type === ATTRIBUTE_TYPE.INTS)
    ctx.defineConstant(out, [valueInts.ints.length], 'int64', valueInts.ints);
  else if (n.attrs.get('value_float')?.type === ATTRIBUTE_TYPE.FLOAT)
    ctx.defineConstant(out, [], 'fp32');
  else fail(n, 'only value, value_int, value_ints and value_float constants are supported');
};
