/**
 * Output-shape inference per op kind. Each rule throws a {@link GraphInputError} naming the node
 * and the offending input when operand shapes are incompatible.
 *
 * Conventions: `matmul`/`linear` is A[..., K] · W[K, N] (+ bias[N]); `batched-matmul` is
 * A[b..., M, K] · B[b..., K, N]; `attention` takes q[B, S, H], k[B, T, H], v[B, T, H];
 * `conv2d` is NCHW input with OIHW weight; `embedding` takes ids[...] and table[V, H].
 */
import { GraphInputError } from './errors.js';
import type { AttributeValue, OperatorKind } from './types.js';

type Shape = readonly number[];

export interface ShapeContext {
  readonly nodeId: string;
  /** JSON path of the node, e.g. `graph.nodes[3]`. */
  readonly path: string;
  readonly op: OperatorKind;
  readonly inputs: readonly Shape[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

function fail(ctx: ShapeContext, where: string, message: string): never {
  throw new GraphInputError(`${ctx.path}.${where}`, `node '${ctx.nodeId}' (${ctx.op}): ${message}`);
}

function input(ctx: ShapeContext, i: number, minRank = 1): Shape {
  const shape = ctx.inputs[i];
  if (shape === undefined) fail(ctx, 'inputs', `needs at least ${i + 1} input(s)`);
  if (shape.length < minRank)
    fail(ctx, `inputs[${i}]`, `rank ${shape.length} < ${minRank} ([${shape.join(', ')}])`);
  return shape;
}

function inputCount(ctx: ShapeContext, min: number, max: number): void {
  const n = ctx.inputs.length;
  if (n < min || n > max) fail(ctx, 'inputs', `expects ${min}..${max} inputs, got ${n}`);
}

function numberAttr(ctx: ShapeContext, key: string, fallback: number): number {
  const v = ctx.attributes[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(ctx, `attributes.${key}`, 'must be an integer');
  return v;
}

function listAttr(ctx: ShapeContext, key: string, fallback: readonly number[]): readonly number[] {
  const v = ctx.attributes[key] ?? fallback;
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x)))
    fail(ctx, `attributes.${key}`, 'must be an integer list');
  return v as readonly number[];
}

const same = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const product = (s: Shape): number => s.reduce((p, x) => p * x, 1);
const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function matmulShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 2, 3);
  const a = input(ctx, 0, 1);
  const w = input(ctx, 1, 2);
  if (w.length !== 2) fail(ctx, 'inputs[1]', `weight must be rank 2, got [${w.join(', ')}]`);
  if (a[a.length - 1] !== w[0])
    fail(ctx, 'inputs[1]', `inner dims differ: A[..., ${a[a.length - 1]}] · W[${w[0]}, ${w[1]}]`);
  const n = w[1] as number;
  if (ctx.inputs.length === 3 && !same(input(ctx, 2), [n]))
    fail(ctx, 'inputs[2]', `bias must be [${n}]`);
  return [...a.slice(0, -1), n];
}

function batchedMatmulShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 2, 2);
  const a = input(ctx, 0, 3);
  const b = input(ctx, 1, 3);
  if (a.length !== b.length || !same(a.slice(0, -2), b.slice(0, -2)))
    fail(ctx, 'inputs[1]', 'batch dims differ');
  if (a[a.length - 1] !== b[b.length - 2])
    fail(ctx, 'inputs[1]', `inner dims differ: ${a[a.length - 1]} vs ${b[b.length - 2]}`);
  return [...a.slice(0, -1), b[b.length - 1] as number];
}

function attentionShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 3, 3);
  const [q, k, v] = [input(ctx, 0, 3), input(ctx, 1, 3), input(ctx, 2, 3)];
  if (q.length !== 3 || !same(k, v))
    fail(ctx, 'inputs[2]', 'q must be [B, S, H] and k, v equal [B, T, H]');
  if (q[0] !== k[0] || q[2] !== k[2])
    fail(ctx, 'inputs[1]', `k [${k.join(', ')}] does not match q [${q.join(', ')}]`);
  const heads = numberAttr(ctx, 'numHeads', 1);
  if (heads < 1 || (q[2] as number) % heads !== 0)
    fail(ctx, 'attributes.numHeads', `must divide hidden ${q[2]}`);
  return q;
}

/** A per-spatial-dim list attribute (`strides`, `dilations`), else the scalar one for every dim. */
function spatialAttr(ctx: ShapeContext, key: string, scalar: string, fallback: number): number[] {
  const v = ctx.attributes[key];
  if (v === undefined) return [0, 1].map(() => numberAttr(ctx, scalar, fallback));
  const list = listAttr(ctx, key, []);
  if (list.length !== 2) fail(ctx, `attributes.${key}`, 'must have 2 entries (H, W)');
  return [...list];
}

/**
 * conv2d: x [N, C, H, W] · w [O, C/group, kh, kw] → [N, O, H', W'], with
 * H' = floor((H + padBegin + padEnd − dilation·(kh − 1) − 1) / stride) + 1 (ONNX Conv). Scalar
 * `stride`/`padding` apply to both dims; the ONNX-style lists `strides`, `pads` [hb, wb, he, we],
 * `dilations` and `group` (default 1) win when present. With `transposed: true` (ONNX
 * ConvTranspose) w is [C, O/group, kh, kw] and H' = stride·(H − 1) + output_padding +
 * dilation·(kh − 1) + 1 − padBegin − padEnd.
 */
function conv2dShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 2, 3);
  const x = input(ctx, 0, 4);
  const w = input(ctx, 1, 4);
  const group = numberAttr(ctx, 'group', 1);
  const transposed = ctx.attributes['transposed'] === true;
  if (x.length !== 4 || w.length !== 4 || group < 1)
    fail(ctx, 'inputs[1]', `x [${x.join(', ')}] and w [${w.join(', ')}] must be rank 4`);
  const inChannels = transposed ? (w[0] as number) : (w[1] as number) * group;
  const outChannels = transposed ? (w[1] as number) * group : (w[0] as number);
  if (x[1] !== inChannels || (!transposed && (w[0] as number) % group !== 0))
    fail(
      ctx,
      'inputs[1]',
      `channels differ: x [${x.join(', ')}], w [${w.join(', ')}], group ${group}`,
    );
  if (ctx.inputs.length === 3 && !same(input(ctx, 2), [outChannels]))
    fail(ctx, 'inputs[2]', `bias must be [${outChannels}]`);
  const strides = spatialAttr(ctx, 'strides', 'stride', 1);
  const dilations = spatialAttr(ctx, 'dilations', 'dilation', 1);
  const padding = numberAttr(ctx, 'padding', 0);
  const pads =
    ctx.attributes['pads'] === undefined
      ? [padding, padding, padding, padding]
      : listAttr(ctx, 'pads', []);
  const outPad =
    ctx.attributes['output_padding'] === undefined ? [0, 0] : listAttr(ctx, 'output_padding', []);
  const out = [0, 1].map((i) => {
    const [size, kernel] = [x[2 + i] as number, w[2 + i] as number];
    const [s, d] = [strides[i] ?? 1, dilations[i] ?? 1];
    const padSum = (pads[i] ?? 0) + (pads[i + 2] ?? 0);
    if (transposed) return s * (size - 1) + (outPad[i] ?? 0) + d * (kernel - 1) + 1 - padSum;
    return Math.floor((size + padSum - d * (kernel - 1) - 1) / s) + 1;
  });
  if (strides.some((s) => s < 1) || out.some((d) => d < 1))
    fail(ctx, 'attributes', 'stride/padding give an empty output');
  return [x[0] as number, outChannels, ...out];
}

function normShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 1, 3);
  const x = input(ctx, 0);
  const hidden = x[x.length - 1] as number;
  for (let i = 1; i < ctx.inputs.length; i++)
    if (!same(input(ctx, i), [hidden])) fail(ctx, `inputs[${i}]`, `must be [${hidden}]`);
  return x;
}

function broadcastShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 2, 2);
  const [a, b] = [input(ctx, 0), input(ctx, 1)];
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      fail(ctx, 'inputs[1]', `cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`);
    out.push(Math.max(x, y));
  }
  return out;
}

function embeddingShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 2, 2);
  const ids = input(ctx, 0);
  const table = input(ctx, 1, 2);
  if (table.length !== 2) fail(ctx, 'inputs[1]', 'table must be [V, H]');
  return [...ids, table[1] as number];
}

/**
 * reduce: over `axes` (default the last), `keepdims`. With `kernel_shape` (pooling, ONNX
 * MaxPool/AveragePool) the window slides over the trailing dims instead: per dim
 * out = round((in + padBegin + padEnd − dilation·(k − 1) − 1) / stride) + 1, round = floor, or
 * ceil with `ceil_mode: 1`.
 */
function reduceShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 1, 1);
  const x = input(ctx, 0);
  if (ctx.attributes['kernel_shape'] !== undefined) return poolShape(ctx, x);
  const axes = listAttr(ctx, 'axes', [x.length - 1]).map((a) => normAxis(a, x.length));
  if (axes.some((a) => a < 0 || a >= x.length))
    fail(ctx, 'attributes.axes', `out of range for rank ${x.length}`);
  const keep = ctx.attributes['keepdims'] === true;
  return x.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
}

function poolShape(ctx: ShapeContext, x: Shape): Shape {
  const kernel = listAttr(ctx, 'kernel_shape', []);
  const n = kernel.length;
  if (n < 1 || n > x.length - 1)
    fail(ctx, 'attributes.kernel_shape', `bad rank for [${x.join(', ')}]`);
  const strides = listAttr(
    ctx,
    'strides',
    kernel.map(() => 1),
  );
  const dilations = listAttr(
    ctx,
    'dilations',
    kernel.map(() => 1),
  );
  const pads = listAttr(
    ctx,
    'pads',
    [...kernel, ...kernel].map(() => 0),
  );
  const round = ctx.attributes['ceil_mode'] === 1 ? Math.ceil : Math.floor;
  const lead = x.slice(0, x.length - n);
  const out = x.slice(x.length - n).map((d, i) => {
    const span = (dilations[i] ?? 1) * ((kernel[i] ?? 1) - 1) + 1;
    return round((d + (pads[i] ?? 0) + (pads[i + n] ?? 0) - span) / (strides[i] ?? 1)) + 1;
  });
  if (out.some((d) => d < 1) || strides.some((s) => s < 1))
    fail(ctx, 'attributes.kernel_shape', `window does not fit [${x.join(', ')}]`);
  return [...lead, ...out];
}

/**
 * reshape: `shape` holds the same elements as the input. With `explicitShape: true` the node
 * stands for an op whose result the graph does not model element by element (ONNX Slice, Pad,
 * Resize, Expand, Tile, Gather of activations, Einsum, …): it takes 1..64 inputs and its output
 * is `shape` as given; the node's `cost` says what it does.
 */
function reshapeShape(ctx: ShapeContext): Shape {
  if (ctx.attributes['explicitShape'] === true) {
    inputCount(ctx, 1, 64);
    const shape = listAttr(ctx, 'shape', []);
    if (shape.length > 8 || shape.some((d) => d < 1))
      fail(ctx, 'attributes.shape', `[${shape.join(', ')}] must be ≤ 8 positive dims`);
    return shape;
  }
  inputCount(ctx, 1, 1);
  const x = input(ctx, 0);
  const shape = listAttr(ctx, 'shape', x);
  if (product(shape) !== product(x) || shape.some((d) => d < 1))
    fail(ctx, 'attributes.shape', `[${shape.join(', ')}] does not hold [${x.join(', ')}]`);
  return shape;
}

function transposeShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 1, 1);
  const x = input(ctx, 0);
  const perm = listAttr(
    ctx,
    'perm',
    x.map((_, i) => x.length - 1 - i),
  );
  const sorted = [...perm].sort((p, q) => p - q);
  if (
    !same(
      sorted,
      x.map((_, i) => i),
    )
  )
    fail(ctx, 'attributes.perm', `not a permutation of rank ${x.length}`);
  return perm.map((p) => x[p] as number);
}

function concatShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 1, 64);
  const first = input(ctx, 0);
  const axis = normAxis(numberAttr(ctx, 'axis', 0), first.length);
  if (axis < 0 || axis >= first.length)
    fail(ctx, 'attributes.axis', `out of range for rank ${first.length}`);
  let total = 0;
  ctx.inputs.forEach((s, i) => {
    if (s.length !== first.length || s.some((d, j) => j !== axis && d !== first[j]))
      fail(ctx, `inputs[${i}]`, 'differs off the concat axis');
    total += s[axis] as number;
  });
  return first.map((d, j) => (j === axis ? total : d));
}

function unaryShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 1, 1);
  return input(ctx, 0);
}

const RULES: Readonly<Record<OperatorKind, (ctx: ShapeContext) => Shape>> = {
  matmul: matmulShape,
  linear: matmulShape,
  'batched-matmul': batchedMatmulShape,
  attention: attentionShape,
  conv2d: conv2dShape,
  layernorm: normShape,
  rmsnorm: normShape,
  softmax: unaryShape,
  relu: unaryShape,
  gelu: unaryShape,
  silu: unaryShape,
  add: broadcastShape,
  mul: broadcastShape,
  embedding: embeddingShape,
  reduce: reduceShape,
  reshape: reshapeShape,
  transpose: transposeShape,
  concat: concatShape,
};

/** The output shape of one node from its input shapes; throws GraphInputError on a mismatch. */
export function inferOutputShape(ctx: ShapeContext): Shape {
  return RULES[ctx.op](ctx);
}
