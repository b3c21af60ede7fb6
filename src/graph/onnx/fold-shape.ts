/**
 * Folding of the layout ops on known values: Gather, Concat, Unsqueeze, Squeeze, Reshape,
 * Flatten, Transpose, Slice, Range, ConstantOfShape, Expand, Tile, Split. The shape rules are the
 * ones the runtime converters use (shape-rules.ts), so a folded value and a converted one agree.
 * @see https://onnx.ai/onnx/operators/
 */
import type { Folded } from './fold.js';
import { concat, gather, mapBroadcast, slice, transpose, type Nd } from './nd.js';
import { axis, fail, intAttr, intsAttr, product, type NodeView } from './ops-common.js';
import {
  expandShape,
  flattenShape,
  reshapeTarget,
  sliceRanges,
  splitSizes,
  squeezeShape,
  unsqueezeShape,
} from './shape-rules.js';

export const FOLD_SHAPE_OPS: readonly string[] = [
  'Gather',
  'Concat',
  'Unsqueeze',
  'Squeeze',
  'Reshape',
  'Flatten',
  'Transpose',
  'Slice',
  'Range',
  'ConstantOfShape',
  'Expand',
  'Tile',
  'Split',
];

const values = (x: Nd | undefined): number[] => [...(x?.values ?? [])];

/** numpy.tile: each dim repeated `repeats[i]` times. */
function tile(x: Nd, repeats: readonly number[]): Nd {
  const shape = x.shape.map((d, i) => d * (repeats[i] ?? 1));
  const out = Array.from({ length: product(shape) }, (_, k) => {
    let rest = k;
    let src = 0;
    let scale = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const d = shape[i] ?? 1;
      const c = rest % d;
      rest = Math.floor(rest / d);
      src += (c % (x.shape[i] ?? 1)) * scale;
      scale *= x.shape[i] ?? 1;
    }
    return x.values[src] ?? 0;
  });
  return { shape, values: out };
}

type Operands = readonly (Nd | undefined)[];
type Fold = (n: NodeView, x: Nd, xs: Operands) => Nd | undefined;

const operand = (xs: Operands, k: number): number[] | undefined =>
  xs[k] === undefined ? undefined : values(xs[k]);
const axisOf = (n: NodeView, x: Nd): number => axis(n, intAttr(n, 'axis', 0), x.shape.length);
const keep = (x: Nd, shape: number[]): Nd => ({ shape, values: x.values });

/** Single-output layout ops on known values. */
const FOLDS: Readonly<Record<string, Fold>> = {
  Gather: (n, x, xs) => gather(x, xs[1] as Nd, axisOf(n, x)),
  Concat: (n, x, xs) =>
    concat(
      xs.filter((v): v is Nd => v !== undefined),
      axisOf(n, x),
    ),
  Unsqueeze: (n, x, xs) =>
    keep(x, unsqueezeShape(n, x.shape, intsAttr(n, 'axes') ?? values(xs[1]))),
  Squeeze: (n, x, xs) => keep(x, squeezeShape(n, x.shape, intsAttr(n, 'axes') ?? operand(xs, 1))),
  Reshape: (n, x, xs) => keep(x, reshapeTarget(n, x.shape, values(xs[1]))),
  Flatten: (n, x) => keep(x, flattenShape(n, x.shape)),
  Transpose: (n, x) =>
    transpose(x, intsAttr(n, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i)),
  Slice: (n, x, xs) =>
    slice(
      x,
      sliceRanges(
        n,
        x.shape,
        [1, 2, 3, 4].map((k) => operand(xs, k)),
      ),
    ),
  Range: (_, __, xs) => {
    const [start = 0, limit = 0, delta = 1] = xs.map((v) => v?.values[0] ?? 0);
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    return { shape: [count], values: Array.from({ length: count }, (_, k) => start + k * delta) };
  },
  Expand: (n, x, xs) => {
    const shape = expandShape(n, x.shape, values(xs[1]));
    const zeros = { shape, values: new Array<number>(product(shape)).fill(0) };
    return mapBroadcast([x, zeros], ([v = 0]) => v);
  },
  Tile: (_, x, xs) => tile(x, values(xs[1])),
};

/** ConstantOfShape: the `value` attribute (default float 0) repeated over the shape operand. */
function constantOfShape(n: NodeView, x: Nd): Folded[] | undefined {
  const t = n.attrs.get('value')?.t;
  const shape = values(x);
  if (product(shape) > 65_536) return undefined;
  const fill = new Array<number>(product(shape)).fill(t?.values?.[0] ?? 0);
  return [{ shape, values: fill, elemType: t?.dataType ?? 1 }];
}

/** Split: consecutive slices along `axis`. */
function split(n: NodeView, x: Nd, xs: Operands, elemType: number): Folded[] {
  const ax = axisOf(n, x);
  let start = 0;
  return splitSizes(n, x.shape[ax] ?? 0, operand(xs, 1)).map((size) => {
    const ranges = x.shape.map((d, i) =>
      i === ax ? { start, step: 1, count: size } : { start: 0, step: 1, count: d },
    );
    start += size;
    return { ...slice(x, ranges), elemType };
  });
}

/** The result of one layout op on known inputs (see file comment); undefined: not folded. */
export function foldShapeOp(n: NodeView, xs: Operands, elemType: number): Folded[] | undefined {
  const x = xs[0] ?? fail(n, 'input 0 is missing');
  if (n.opType === 'ConstantOfShape') return constantOfShape(n, x);
  if (n.opType === 'Split') return split(n, x, xs, elemType);
  const fold = FOLDS[n.opType] ?? fail(n, 'no folding rule');
  const r = fold(n, x, xs);
  return r === undefined ? undefined : [{ ...r, elemType }];
}
