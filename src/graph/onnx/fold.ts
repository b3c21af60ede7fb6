/**
 * Constant folding: a node whose inputs all have known values (stored small tensors, earlier
 * folds, `inputValues`) is evaluated here and emits nothing; `Shape` and `Size` fold from the
 * input's shape alone. This turns the shape arithmetic real exporters write (PyTorch's
 * Shape → Gather → Unsqueeze → Concat → Reshape chains, Paddle's Shape → Slice → Concat) into the
 * constant operands the converters need. Results over {@link MAX_FOLD_ELEMENTS} are not folded.
 * Semantics follow the ONNX operator specs (integer Div truncates, as ONNX Runtime does).
 * @see https://onnx.ai/onnx/operators/
 */
import type { ImportContext } from './context.js';
import { foldShapeOp, FOLD_SHAPE_OPS } from './fold-shape.js';
import { ONNX_DATA_TYPE } from './proto.js';
import { axis, intAttr, product, type NodeView } from './ops-common.js';
import { mapBroadcast, type Nd } from './nd.js';
import { isFloatType } from './tensors.js';

/** Largest folded result, in elements. */
export const MAX_FOLD_ELEMENTS = 65_536;

export interface Folded extends Nd {
  readonly elemType: number;
}

const BOOL = ONNX_DATA_TYPE.BOOL;
const b = (x: boolean): number => (x ? 1 : 0);

/** Element-wise ops: f over the (broadcast) input values; `bool` when the result is a predicate. */
const ELEMENTWISE: Readonly<
  Record<string, { f: (xs: number[], int: boolean) => number; bool?: true }>
> = {
  Add: { f: ([x = 0, y = 0]) => x + y },
  Sub: { f: ([x = 0, y = 0]) => x - y },
  Mul: { f: ([x = 0, y = 0]) => x * y },
  Div: { f: ([x = 0, y = 1], int) => (int ? Math.trunc(x / y) : x / y) },
  Mod: { f: ([x = 0, y = 1]) => x - y * Math.floor(x / y) },
  Pow: { f: ([x = 0, y = 1]) => x ** y },
  Neg: { f: ([x = 0]) => -x },
  Abs: { f: ([x = 0]) => Math.abs(x) },
  Sqrt: { f: ([x = 0]) => Math.sqrt(x) },
  Reciprocal: { f: ([x = 1]) => 1 / x },
  Floor: { f: ([x = 0]) => Math.floor(x) },
  Ceil: { f: ([x = 0]) => Math.ceil(x) },
  Round: { f: ([x = 0]) => Math.round(x) },
  Sign: { f: ([x = 0]) => Math.sign(x) },
  Relu: { f: ([x = 0]) => Math.max(0, x) },
  Min: { f: (xs) => Math.min(...xs) },
  Max: { f: (xs) => Math.max(...xs) },
  Sum: { f: (xs) => xs.reduce((s, x) => s + x, 0) },
  Equal: { f: ([x, y]) => b(x === y), bool: true },
  Less: { f: ([x = 0, y = 0]) => b(x < y), bool: true },
  LessOrEqual: { f: ([x = 0, y = 0]) => b(x <= y), bool: true },
  Greater: { f: ([x = 0, y = 0]) => b(x > y), bool: true },
  GreaterOrEqual: { f: ([x = 0, y = 0]) => b(x >= y), bool: true },
  Not: { f: ([x = 0]) => b(x === 0), bool: true },
  And: { f: ([x = 0, y = 0]) => b(x !== 0 && y !== 0), bool: true },
  Or: { f: ([x = 0, y = 0]) => b(x !== 0 || y !== 0), bool: true },
  Xor: { f: ([x = 0, y = 0]) => b((x !== 0) !== (y !== 0)), bool: true },
  Where: { f: ([c = 0, x = 0, y = 0]) => (c !== 0 ? x : y) },
};

/** Cast: to an integer type truncates toward zero; to BOOL is `!= 0` (ONNX Cast). */
function castValues(values: readonly number[], to: number): number[] {
  if (to === BOOL) return values.map((v) => b(v !== 0));
  return isFloatType(to) ? [...values] : values.map((v) => Math.trunc(v));
}

function reduceValues(n: NodeView, x: Nd, axes: readonly number[] | undefined): Nd {
  const rank = x.shape.length;
  const all = axes === undefined || axes.length === 0;
  const reduced = new Set(all ? x.shape.map((_, i) => i) : axes.map((a) => axis(n, a, rank)));
  const keep = intAttr(n, 'keepdims', 1) === 1;
  const outShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const acc = new Map<number, number[]>();
  x.values.forEach((v, k) => {
    let rest = k;
    let target = 0;
    let scale = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const d = x.shape[i] ?? 1;
      const c = rest % d;
      rest = Math.floor(rest / d);
      target += (reduced.has(i) ? 0 : c) * scale;
      scale *= outShape[i] ?? 1;
    }
    acc.set(target, [...(acc.get(target) ?? []), v]);
  });
  const fold: Record<string, (vs: number[]) => number> = {
    ReduceSum: (vs) => vs.reduce((s, v) => s + v, 0),
    ReduceProd: (vs) => vs.reduce((s, v) => s * v, 1),
    ReduceMax: (vs) => Math.max(...vs),
    ReduceMin: (vs) => Math.min(...vs),
    ReduceMean: (vs) => vs.reduce((s, v) => s + v, 0) / vs.length,
  };
  const f = fold[n.opType] ?? ((vs: number[]) => vs[0] ?? 0);
  const values = Array.from({ length: product(outShape) }, (_, k) => f(acc.get(k) ?? []));
  return { shape: keep ? outShape : x.shape.filter((_, i) => !reduced.has(i)), values };
}

function foldValues(
  n: NodeView,
  ctx: ImportContext,
  given: readonly (Nd | undefined)[],
): Folded[] | undefined {
  const xs = given.filter((x): x is Nd => x !== undefined);
  const elemType = ctx.elemType(n.inputs[n.opType === 'Where' ? 1 : 0] ?? '');
  const rule = ELEMENTWISE[n.opType];
  if (rule !== undefined) {
    const int = !isFloatType(elemType);
    const out = mapBroadcast(xs, (v) => rule.f(v, int));
    return out === undefined ? undefined : [{ ...out, elemType: rule.bool ? BOOL : elemType }];
  }
  const x = xs[0];
  if (x === undefined) return undefined;
  if (n.opType === 'Cast' || n.opType === 'CastLike') {
    const to = n.opType === 'Cast' ? intAttr(n, 'to', elemType) : ctx.elemType(n.inputs[1] ?? '');
    return [{ shape: x.shape, values: castValues(x.values, to), elemType: to }];
  }
  if (n.opType === 'Identity') return [{ ...x, elemType }];
  if (n.opType.startsWith('Reduce')) {
    const axes = n.attrs.get('axes')?.ints ?? xs[1]?.values;
    return [{ ...reduceValues(n, x, axes), elemType }];
  }
  return foldShapeOp(n, given, elemType);
}

const FOLDABLE: ReadonlySet<string> = new Set([
  ...Object.keys(ELEMENTWISE),
  'Cast',
  'CastLike',
  'Identity',
  'ReduceSum',
  'ReduceProd',
  'ReduceMax',
  'ReduceMin',
  'ReduceMean',
  ...FOLD_SHAPE_OPS,
]);

/**
 * Inputs as arrays, aligned with `n.inputs` (undefined for an omitted optional input), or
 * undefined when one given input is not known.
 */
function knownInputs(n: NodeView, ctx: ImportContext): (Nd | undefined)[] | undefined {
  const out: (Nd | undefined)[] = [];
  for (const name of n.inputs) {
    if (name === '') {
      out.push(undefined);
      continue;
    }
    const values = ctx.value(name);
    if (values === undefined) return undefined;
    out.push({ shape: ctx.shape(name, n.field), values });
  }
  return out;
}

/** Shape and Size need only the input's shape (opset 15 Shape `start`/`end`). */
function foldFromShape(n: NodeView, ctx: ImportContext): Folded[] | undefined {
  const shape = ctx.shape(n.inputs[0] ?? '', n.field);
  if (n.opType === 'Size') return [{ shape: [], values: [product(shape)], elemType: 7 }];
  const rank = shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const values = shape.slice(clamp(intAttr(n, 'start', 0)), clamp(intAttr(n, 'end', rank)));
  return [{ shape: [values.length], values, elemType: ONNX_DATA_TYPE.INT64 }];
}

/**
 * Fold `n` if it can be: define its outputs as known constants and return true; false when the
 * node must be converted (an input is computed at run time, the op is not foldable, or the
 * result is too large).
 */
export function tryFold(n: NodeView, ctx: ImportContext): boolean {
  let results: Folded[] | undefined;
  if ((n.opType === 'Shape' || n.opType === 'Size') && n.domain === '')
    results = foldFromShape(n, ctx);
  else if (FOLDABLE.has(n.opType) && (n.domain === '' || n.domain === 'ai.onnx')) {
    const xs = knownInputs(n, ctx);
    if (xs === undefined || xs.length === 0) return false;
    if (xs.some((x) => (x?.values.length ?? 0) > MAX_FOLD_ELEMENTS)) return false;
    results = foldValues(n, ctx, xs);
  }
  if (results === undefined || results.some((r) => r.values.length > MAX_FOLD_ELEMENTS))
    return false;
  n.inputs.forEach((name) => name !== '' && ctx.consume(name));
  results.forEach((r, k) => {
    const name = n.outputs[k];
    if (name !== undefined && name !== '') ctx.define(name, r.shape, r.elemType, r.values);
  });
  return true;
}
