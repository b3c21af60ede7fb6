/**
 * Converters for layout ops that keep every element (Reshape, Flatten, Squeeze, Unsqueeze,
 * DepthToSpace, SpaceToDepth → `reshape`; Transpose; Concat), pass-through ops (Identity,
 * Dropout, Cast, CastLike: the node is dropped and its output aliased to its input), and the
 * constants (Constant, ConstantOfShape: stored data, no node). These run only when folding could
 * not (the data is computed at run time); their shape operands must have folded.
 * @see https://onnx.ai/onnx/operators/
 */
import { emitReshape } from './emit.js';
import {
  axesOperand,
  axis,
  constOperand,
  fail,
  intAttr,
  intsAttr,
  output,
  product,
  requiredInput,
  type Converter,
} from './ops-common.js';
import { ATTRIBUTE_TYPE, ONNX_DATA_TYPE } from './proto.js';
import { flattenShape, reshapeTarget, squeezeShape, unsqueezeShape } from './shape-rules.js';

/**
 * Reshape: target from the `shape` operand (folded), where 0 copies the input dim (unless
 * `allowzero`) and one −1 is inferred; without a constant, the output's value_info shape.
 * @see https://onnx.ai/onnx/operators/onnx__Reshape.html
 */
export const convertReshape: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const inShape = ctx.shape(x, n.field);
  const specName = requiredInput(n, 1);
  if (ctx.value(specName) === undefined) {
    const declared = ctx.declaredShape(output(n));
    if (declared === undefined)
      fail(n, 'shape is not a constant after folding and the output has no value_info shape');
    emitReshape(n, ctx, x, declared);
    return;
  }
  emitReshape(n, ctx, x, reshapeTarget(n, inShape, constOperand(n, ctx, 1, 'shape')));
};

export const convertFlatten: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  emitReshape(n, ctx, x, flattenShape(n, ctx.shape(x, n.field)));
};

export const convertSqueeze: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  emitReshape(n, ctx, x, squeezeShape(n, ctx.shape(x, n.field), axesOperand(n, ctx, 1)));
};

export const convertUnsqueeze: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const axes = axesOperand(n, ctx, 1) ?? fail(n, 'axes are required');
  emitReshape(n, ctx, x, unsqueezeShape(n, ctx.shape(x, n.field), axes));
};

/** DepthToSpace / SpaceToDepth: [N, C, H, W] ↔ [N, C/b², H·b, W·b], same elements. */
export const convertDepthSpace: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const [batch = 1, c = 1, h = 1, w = 1] = ctx.shape(x, n.field);
  const b = intAttr(n, 'blocksize', 1);
  const shape =
    n.opType === 'DepthToSpace'
      ? [batch, c / (b * b), h * b, w * b]
      : [batch, c * b * b, h / b, w / b];
  if (shape.some((d) => !Number.isInteger(d))) fail(n, `blocksize ${b} does not divide the input`);
  emitReshape(n, ctx, x, shape);
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
      forwardFlops: 0,
    },
    n.field,
  );
};

/** Concat along the required `axis` (empty inputs dropped). */
export const convertConcat: Converter = (n, ctx) => {
  const names = n.inputs.filter((t) => t !== '' && product(ctx.shape(t, n.field)) > 0);
  const rank = ctx.shape(requiredInput(n, 0), n.field).length;
  const attributes = { axis: axis(n, intAttr(n, 'axis', 0), rank) };
  const inputs = names.map((t) => ctx.ref(t, n.field));
  ctx.emit(
    { id: n.id, op: 'concat', inputs, output: output(n), attributes, forwardFlops: 0 },
    n.field,
  );
};

/** Identity, Dropout (inference or training: same shape), Cast, CastLike: alias output 0 to input 0. */
export const convertPassThrough: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  ctx.shape(x, n.field);
  ctx.alias(output(n), x);
};

/**
 * Constant: `value` (a TensorProto: stored data, a weight when float and rank ≥ 1, as Paddle
 * exports its weights), `sparse_value`, or the scalar/list forms (`value_int(s)`,
 * `value_float(s)`, known values).
 * @see https://onnx.ai/onnx/operators/onnx__Constant.html
 */
export const convertConstant: Converter = (n, ctx) => {
  const out = output(n);
  const tensor = n.attrs.get('value')?.t ?? n.attrs.get('sparse_value')?.t;
  if (tensor !== undefined) {
    ctx.defineStored(out, tensor);
    return;
  }
  const a = [...n.attrs.values()][0];
  if (a?.type === ATTRIBUTE_TYPE.INT) ctx.define(out, [], ONNX_DATA_TYPE.INT64, [a.i]);
  else if (a?.type === ATTRIBUTE_TYPE.INTS)
    ctx.define(out, [a.ints.length], ONNX_DATA_TYPE.INT64, a.ints);
  else if (a?.type === ATTRIBUTE_TYPE.FLOAT) ctx.define(out, [], ONNX_DATA_TYPE.FLOAT, [a.f]);
  else if (a?.type === ATTRIBUTE_TYPE.FLOATS)
    ctx.define(out, [a.floats.length], ONNX_DATA_TYPE.FLOAT, a.floats);
  else fail(n, 'only value, sparse_value, value_int(s) and value_float(s) constants are supported');
};

/**
 * ConstantOfShape too large to fold (an attention mask of [1, 1, S, S]): stored data of that
 * shape and the `value` element type, no node.
 */
export const convertConstantOfShape: Converter = (n, ctx) => {
  const shape = constOperand(n, ctx, 0, 'shape');
  ctx.define(output(n), shape, n.attrs.get('value')?.t?.dataType ?? ONNX_DATA_TYPE.FLOAT);
};

/** Range whose bounds did not fold: its length is data-dependent. */
export const convertRange: Converter = (n) =>
  fail(n, 'start/limit/delta are not constants after folding (a data-dependent length)');

/** Shape/Size never reach a converter (they always fold); kept for the op table. */
export const convertShapeOf: Converter = (n) => fail(n, 'internal: Shape/Size should have folded');
