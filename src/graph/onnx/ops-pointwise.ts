/**
 * Converters for element-wise ops and softmax. Unary ops map to `relu` (piecewise linear),
 * `gelu` or `silu` (transcendental) for their shape and sharding; binary ops to `add`/`mul`
 * (multidirectional broadcasting). The ONNX op stays in `attributes.onnxOp` and the FLOPs come
 * from cost.ts's per-element table, so Tanh costs a tanh, not a SiLU.
 * @see https://onnx.ai/onnx/operators/ (each op's page gives the defaults quoted below)
 */
import type { OperatorKind } from '../operator-graph/index.js';
import type { ImportContext } from './context.js';
import {
  ELEMENTWISE_FLOPS_PER_ELEMENT,
  SOFTMAX_FLOPS_PER_ELEMENT,
  elementwiseFlops,
} from './cost.js';
import { emitExplicit } from './emit.js';
import {
  broadcast,
  fail,
  intAttr,
  output,
  product,
  requiredInput,
  type Converter,
  type NodeView,
} from './ops-common.js';

/** Unary ops with no exp-like function: shape and sharding of `relu`. */
const PIECEWISE: ReadonlySet<string> = new Set([
  'Relu',
  'LeakyRelu',
  'Clip',
  'HardSigmoid',
  'HardSwish',
  'Abs',
  'Neg',
  'Sign',
  'Floor',
  'Ceil',
  'Round',
  'Not',
  'Reciprocal',
  'ThresholdedRelu',
  'Shrink',
  'Sqrt',
  'IsNaN',
  'IsInf',
  'Trilu',
  'CumSum',
]);
const GELU_LIKE: ReadonlySet<string> = new Set(['Gelu', 'FastGelu', 'QuickGelu', 'Erf']);

export const UNARY_OPS: readonly string[] = [
  ...PIECEWISE,
  ...GELU_LIKE,
  'Sigmoid',
  'Silu',
  'Swish',
  'Tanh',
  'Exp',
  'Log',
  'Softplus',
  'Softsign',
  'Elu',
  'Celu',
  'Selu',
  'Mish',
  'Sin',
  'Cos',
];

function unaryKind(opType: string): OperatorKind {
  if (PIECEWISE.has(opType)) return 'relu';
  return GELU_LIKE.has(opType) ? 'gelu' : 'silu';
}

function emitUnary(n: NodeView, ctx: ImportContext, x: string, opType: string): void {
  ctx.emit(
    {
      id: n.id,
      op: unaryKind(opType),
      inputs: [ctx.ref(x, n.field)],
      output: output(n),
      forwardFlops: (s) => elementwiseFlops(opType, product(s)),
    },
    n.field,
  );
}

/**
 * One-input element-wise ops (Relu … Mish), and those whose extra inputs are constants read as
 * attributes: Clip's min/max (opset ≥ 11 inputs), Trilu's k, CumSum's axis. Extra inputs
 * computed at run time (a Clip to max(x) − 80 dB) make it an explicit-shape node reading them.
 */
export const convertUnary: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const extras = n.inputs.slice(1).filter((t) => t !== '');
  const runtime = extras.filter((t) => ctx.value(t) === undefined && !ctx.isStored(t));
  extras.forEach((t) => runtime.includes(t) || ctx.consume(t));
  if (runtime.length === 0) {
    emitUnary(n, ctx, x, n.opType);
    return;
  }
  const shape = ctx.shape(x, n.field);
  emitExplicit(n, ctx, [x, ...runtime], shape, elementwiseFlops(n.opType, product(shape)));
};

/** An operand of a binary op (a scalar is declared as [1], which broadcasts the same). */
function operand(n: NodeView, ctx: ImportContext, name: string): string {
  return ctx.ref(name, n.field);
}

/**
 * Binary ops: Add/Sub → `add`, the others (Mul, Div, Pow, Max, Min, PRelu, comparisons…) →
 * `mul`. Pow with a constant exponent is a unary op (the exponent is read, not streamed).
 * Variadic Sum/Max/Min/Mean fold left into binary nodes.
 */
export const convertBinary: Converter = (n, ctx) => {
  const names = n.inputs.filter((t) => t !== '');
  if (n.opType === 'Pow' && names[1] !== undefined && ctx.value(names[1]) !== undefined) {
    ctx.consume(names[1]);
    emitUnary(n, ctx, names[0] ?? requiredInput(n, 0), 'Pow');
    return;
  }
  if (names.length === 1) {
    emitUnary(n, ctx, names[0] ?? '', 'Relu');
    return;
  }
  const op: OperatorKind =
    n.opType === 'Add' || n.opType === 'Sub' || n.opType === 'Sum' ? 'add' : 'mul';
  const perElement = ELEMENTWISE_FLOPS_PER_ELEMENT[n.opType] ?? 1;
  let acc = operand(n, ctx, names[0] ?? '');
  names.slice(1).forEach((name, k) => {
    const last = k === names.length - 2;
    const out = last ? output(n) : ctx.fresh(`${output(n)}/${k}`);
    const id = last ? n.id : ctx.nodeId(`${n.id}/${k}`);
    const inputs = [acc, operand(n, ctx, name)];
    ctx.emit(
      { id, op, inputs, output: out, forwardFlops: (s) => perElement * product(s) },
      n.field,
    );
    acc = out;
  });
};

/** Where(cond, x, y): one select per output element, an explicit-shape node of the broadcast. */
export const convertWhere: Converter = (n, ctx) => {
  const names = [requiredInput(n, 0), requiredInput(n, 1), requiredInput(n, 2)];
  const shape =
    broadcast(names.map((t) => ctx.shape(t, n.field))) ?? fail(n, 'operands do not broadcast');
  emitExplicit(n, ctx, names, shape, elementwiseFlops('Where', product(shape)));
};

/**
 * Softmax/LogSoftmax/Hardmax → `softmax`, 5 FLOPs per element; `axis` default −1 from opset 13,
 * 1 before (the op then normalises the flattened [axis:] dims; same cost).
 * @see https://onnx.ai/onnx/operators/onnx__Softmax.html
 */
export const convertSoftmax: Converter = (n, ctx) => {
  const attributes = { axis: intAttr(n, 'axis', n.opset >= 13 ? -1 : 1) };
  ctx.emit(
    {
      id: n.id,
      op: 'softmax',
      inputs: [ctx.ref(requiredInput(n, 0), n.field)],
      output: output(n),
      attributes,
      forwardFlops: (s) => SOFTMAX_FLOPS_PER_ELEMENT * product(s),
    },
    n.field,
  );
};
