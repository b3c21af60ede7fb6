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

function conv2dShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 2, 3);
  const x = input(ctx, 0, 4);
  const w = input(ctx, 1, 4);
  if (x.length !== 4 || w.length !== 4 || x[1] !== w[1])
    fail(ctx, 'inputs[1]', `channels differ: x [${x.join(', ')}], w [${w.join(', ')}]`);
  if (ctx.inputs.length === 3 && !same(input(ctx, 2), [w[0] as number]))
    fail(ctx, 'inputs[2]', `bias must be [${w[0]}]`);
  const stride = numberAttr(ctx, 'stride', 1);
  const padding = numberAttr(ctx, 'padding', 0);
  const out = (size: number, kernel: number): number =>
    Math.floor((size + 2 * padding - kernel) / stride) + 1;
  const [h, wd] = [out(x[2] as number, w[2] as number), out(x[3] as number, w[3] as number)];
  if (stride < 1 || h < 1 || wd < 1) fail(ctx, 'attributes', 'stride/padding give an empty output');
  return [x[0] as number, w[0] as number, h, wd];
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

function reduceShape(ctx: ShapeContext): Shape {
  inputCount(ctx, 1, 1);
  const x = input(ctx, 0);
  const axes = listAttr(ctx, 'axes', [x.length - 1]).map((a) => normAxis(a, x.length));
  if (axes.some((a) => a < 0 || a >= x.length))
    fail(ctx, 'attributes.axes', `out of range for rank ${x.length}`);
  const keep = ctx.attributes['keepdims'] === true;
  return x.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
}

function reshapeShape(ctx: ShapeContext): Shape {
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
