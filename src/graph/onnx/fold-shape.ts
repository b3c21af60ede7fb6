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

/** The result of one layout op on known inputs (see file comment); undefined: not folded. */
export function foldShapeOp(
  n: NodeView,
  xs: readonly (Nd | undefined)[],
  elemType: number,
): Folded[] | undefined {
  const x = xs[0] as Nd;
  const operand = (k: number): number[] | undefined =>
    xs[k] === undefined ? undefined : values(xs[k]);
  const one = (r: Nd | undefined): Folded[] | undefined =>
    r === undefined ? undefined : [{ ...r, elemType }];
  const rank = x.shape.length;
  switch (n.opType) {
    case 'Gather':
      return one(gather(x, xs[1] as Nd, axis(n, intAttr(n, 'axis', 0), rank)));
    case 'Concat':
      return one(
        concat(
          xs.filter((v): v is Nd => v !== undefined),
          axis(n, intAttr(n, 'axis', 0), rank),
        ),
      );
    case 'Unsqueeze':
      return one({
        shape: unsqueezeShape(n, x.shape, intsAttr(n, 'axes') ?? values(xs[1])),
        values: x.values,
      });
    case 'Squeeze': {
      const axes = intsAttr(n, 'axes') ?? operand(1);
      return one({ shape: squeezeShape(n, x.shape, axes), values: x.values });
    }
    case 'Reshape':
      return one({ shape: reshapeTarget(n, x.shape, values(xs[1])), values: x.values });
    case 'Flatten':
      return one({ shape: flattenShape(n, x.shape), values: x.values });
    case 'Transpose': {
      const perm = intsAttr(n, 'perm') ?? x.shape.map((_, i) => rank - 1 - i);
      return one(transpose(x, perm));
    }
    case 'Slice':
      return one(
        slice(x, sliceRanges(n, x.shape, [operand(1), operand(2), operand(3), operand(4)])),
      );
    case 'Range': {
      const [start = 0, limit = 0, delta = 1] = xs.map((v) => v?.values[0] ?? 0);
      const count = Math.max(Math.ceil((limit - start) / delta), 0);
      return one({
        shape: [count],
        values: Array.from({ length: count }, (_, k) => start + k * delta),
      });
    }
    case 'ConstantOfShape': {
      const t = n.attrs.get('value')?.t;
      const fill = t?.values?.[0] ?? 0;
      const shape = values(x);
      if (product(shape) > 65_536) return undefined;
      return [
        { shape, values: new Array<number>(product(shape)).fill(fill), elemType: t?.dataType ?? 1 },
      ];
    }
    case 'Expand': {
      const shape = expandShape(n, x.shape, values(xs[1]));
      return one(
        mapBroadcast(
          [x, { shape, values: new Array<number>(product(shape)).fill(0) }],
          ([v = 0]) => v,
        ),
      );
    }
    case 'Tile':
      return one(tile(x, values(xs[1])));
    case 'Split': {
      const ax = axis(n, intAttr(n, 'axis', 0), rank);
      const sizes = splitSizes(n, x.shape[ax] ?? 0, operand(1));
      let start = 0;
      return sizes.map((size) => {
        const ranges = x.shape.map((d, i) =>
          i === ax ? { start, step: 1, count: size } : { start: 0, step: 1, count: d },
        );
        start += size;
        return { ...slice(x, ranges), elemType };
      });
    }
    default:
      return fail(n, 'no folding rule');
  }
}
