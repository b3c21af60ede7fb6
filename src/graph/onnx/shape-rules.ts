/**
 * Output shapes of the ONNX layout ops, shared by constant folding (fold-shape.ts) and the
 * runtime converters (ops-shape.ts, ops-data.ts). Each follows its operator spec page.
 * @see https://onnx.ai/onnx/operators/
 */
import { broadcast, axis, fail, intAttr, intsAttr, product, type NodeView } from './ops-common.js';
import { sliceRange, type SliceRange } from './nd.js';

/**
 * Reshape: 0 copies the input dim (unless `allowzero`), one −1 is inferred.
 * @see https://onnx.ai/onnx/operators/onnx__Reshape.html
 */
export function reshapeTarget(
  n: NodeView,
  inShape: readonly number[],
  spec: readonly number[],
): number[] {
  const copyZero = intAttr(n, 'allowzero', 0) === 0;
  const dims = spec.map((d, i) =>
    d === 0 && copyZero ? (inShape[i] ?? fail(n, `shape[${i}] = 0 copies a missing dim`)) : d,
  );
  const known = product(dims.filter((d) => d !== -1));
  const target = dims.map((d) => (d === -1 ? product(inShape) / known : d));
  if (target.some((d) => !Number.isInteger(d) || d < 0) || product(target) !== product(inShape))
    fail(n, `shape [${spec.join(', ')}] does not fit input [${inShape.join(', ')}]`);
  return target;
}

/** Flatten (`axis` default 1): [d0..d(axis−1), d(axis)..] → [∏ before, ∏ from axis]. */
export function flattenShape(n: NodeView, shape: readonly number[]): number[] {
  const raw = intAttr(n, 'axis', 1);
  const at = raw === shape.length ? raw : axis(n, raw, shape.length);
  return [product(shape.slice(0, at)), product(shape.slice(at))];
}

/** Squeeze: drop the given axes, default every 1-dim. */
export function squeezeShape(
  n: NodeView,
  shape: readonly number[],
  given: readonly number[] | undefined,
): number[] {
  const axes = given?.map((a) => axis(n, a, shape.length));
  return shape.filter((d, i) => (axes === undefined ? d !== 1 : !axes.includes(i)));
}

/** Unsqueeze: insert 1-dims at `axes`, which index the output rank. */
export function unsqueezeShape(
  n: NodeView,
  shape: readonly number[],
  given: readonly number[],
): number[] {
  const rank = shape.length + given.length;
  const axes = given.map((a) => axis(n, a, rank));
  const rest = [...shape];
  return Array.from({ length: rank }, (_, i) => (axes.includes(i) ? 1 : (rest.shift() ?? 1)));
}

/** Expand: bidirectional broadcast of the input with the `shape` operand. */
export function expandShape(
  n: NodeView,
  shape: readonly number[],
  target: readonly number[],
): number[] {
  return (
    broadcast([shape, target]) ??
    fail(n, `cannot expand [${shape.join(', ')}] to [${target.join(', ')}]`)
  );
}

/**
 * Slice ranges per axis from starts/ends/axes/steps (inputs from opset 10, attributes before).
 * @param operands [starts, ends, axes?, steps?] values when given as inputs
 */
export function sliceRanges(
  n: NodeView,
  shape: readonly number[],
  operands: readonly (readonly number[] | undefined)[],
): SliceRange[] {
  const starts = operands[0] ?? intsAttr(n, 'starts') ?? fail(n, 'starts are required');
  const ends = operands[1] ?? intsAttr(n, 'ends') ?? fail(n, 'ends are required');
  const axes = operands[2] ?? intsAttr(n, 'axes') ?? starts.map((_, i) => i);
  const steps = operands[3] ?? starts.map(() => 1);
  const ranges: SliceRange[] = shape.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((a, k) => {
    const ax = axis(n, a, shape.length);
    const step = steps[k] ?? 1;
    if (step === 0) fail(n, 'slice step 0');
    ranges[ax] = sliceRange(shape[ax] ?? 0, starts[k] ?? 0, ends[k] ?? 0, step);
  });
  return ranges;
}

/** Split sizes: the `split` operand (opset 13) or attribute, else `num_outputs` / output count. */
export function splitSizes(
  n: NodeView,
  dim: number,
  given: readonly number[] | undefined,
): number[] {
  const sizes = given ?? intsAttr(n, 'split');
  if (sizes !== undefined) {
    if (sizes.reduce((s, v) => s + v, 0) !== dim)
      fail(n, `split [${sizes.join(', ')}] does not sum to ${dim}`);
    return [...sizes];
  }
  const parts = intAttr(n, 'num_outputs', n.outputs.length);
  const size = Math.ceil(dim / parts);
  return Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(size, dim - k * size)));
}
