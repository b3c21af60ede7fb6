/**
 * Small dense n-d arrays (row-major values + shape) for constant folding: broadcasting
 * element-wise maps, gather, concat, slice, transpose. Only used on folded tensors, which are
 * small (shape vectors, masks), so clarity wins over speed.
 * @see https://github.com/onnx/onnx/blob/main/docs/Broadcasting.md
 */
import { broadcast, product } from './ops-common.js';

export interface Nd {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = (out[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  return out;
}

/** Row-major index → coordinates. */
function coords(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] ?? 1;
    out[i] = rest % d;
    rest = Math.floor(rest / d);
  }
  return out;
}

/** Value of `a` at output coordinates `c` under broadcasting to a shape of rank c.length. */
function at(a: Nd, c: readonly number[], st: readonly number[]): number {
  const offset = c.length - a.shape.length;
  let index = 0;
  a.shape.forEach((d, i) => {
    index += (d === 1 ? 0 : (c[i + offset] ?? 0)) * (st[i] ?? 0);
  });
  return a.values[index] ?? 0;
}

/** Element-wise `f` over broadcast operands; undefined when the shapes do not broadcast. */
export function mapBroadcast(operands: readonly Nd[], f: (xs: number[]) => number): Nd | undefined {
  const shape = broadcast(operands.map((o) => o.shape));
  if (shape === undefined) return undefined;
  const st = operands.map((o) => strides(o.shape));
  const values = Array.from({ length: product(shape) }, (_, k) => {
    const c = coords(k, shape);
    return f(operands.map((o, j) => at(o, c, st[j] ?? [])));
  });
  return { shape, values };
}

/** numpy.take(data, indices, axis) with negative indices wrapped. */
export function gather(data: Nd, indices: Nd, axis: number): Nd {
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const st = strides(data.shape);
  const size = data.shape[axis] ?? 1;
  const values = Array.from({ length: product(shape) }, (_, k) => {
    const c = coords(k, shape);
    const idx = c.slice(axis, axis + indices.shape.length);
    let flat = 0;
    idx.forEach((v, i) => (flat = flat * (indices.shape[i] ?? 1) + v));
    const raw = indices.values[flat] ?? 0;
    const src = [
      ...c.slice(0, axis),
      raw < 0 ? raw + size : raw,
      ...c.slice(axis + indices.shape.length),
    ];
    return data.values[src.reduce((s, v, i) => s + v * (st[i] ?? 0), 0)] ?? 0;
  });
  return { shape, values };
}

export function concat(parts: readonly Nd[], axis: number): Nd {
  const first = parts[0] ?? { shape: [0], values: [] };
  const shape = first.shape.map((d, i) =>
    i === axis ? parts.reduce((s, p) => s + (p.shape[axis] ?? 0), 0) : d,
  );
  const outer = product(first.shape.slice(0, axis));
  const values: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const p of parts) {
      const chunk = product(p.shape.slice(axis));
      values.push(...p.values.slice(o * chunk, (o + 1) * chunk));
    }
  return { shape, values };
}

/** Per-axis [start, end, step] after ONNX Slice clamping; `count` elements taken. */
export interface SliceRange {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/**
 * ONNX Slice semantics for one axis: negative starts/ends add the dim, then clamp to [0, dim]
 * (step > 0) or [−1, dim − 1] (step < 0).
 * @see https://onnx.ai/onnx/operators/onnx__Slice.html
 */
export function sliceRange(dim: number, start: number, end: number, step: number): SliceRange {
  const norm = (v: number): number => (v < 0 ? v + dim : v);
  const [lo, hi] = step > 0 ? [0, dim] : [-1, dim - 1];
  const s = Math.min(Math.max(norm(start), lo), hi);
  const e = Math.min(Math.max(norm(end), lo), hi);
  const count =
    step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return { start: s, step, count };
}

export function slice(data: Nd, ranges: readonly SliceRange[]): Nd {
  const shape = ranges.map((r) => r.count);
  const st = strides(data.shape);
  const values = Array.from({ length: product(shape) }, (_, k) => {
    const c = coords(k, shape);
    const src = c.reduce((s, v, i) => {
      const r = ranges[i] as SliceRange;
      return s + (r.start + v * r.step) * (st[i] ?? 0);
    }, 0);
    return data.values[src] ?? 0;
  });
  return { shape, values };
}

export function transpose(data: Nd, perm: readonly number[]): Nd {
  const shape = perm.map((p) => data.shape[p] ?? 1);
  const st = strides(data.shape);
  const values = Array.from({ length: product(shape) }, (_, k) => {
    const c = coords(k, shape);
    return data.values[c.reduce((s, v, i) => s + v * (st[perm[i] ?? 0] ?? 0), 0)] ?? 0;
  });
  return { shape, values };
}
