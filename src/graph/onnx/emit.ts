/**
 * Emission helpers shared by the converters: the explicit-shape node (ops the operator graph
 * does not model element by element), plain reshapes, and the element count of a value.
 */
import type { ImportContext } from './context.js';
import { output, product, type NodeView } from './ops-common.js';

/**
 * Emit a `reshape` with `explicitShape: true` (operator-graph/shapes.ts): the node reads
 * `inputs` (ONNX names, declared here) and writes `out` of `shape`, at the given FLOPs.
 */
export function emitExplicit(
  n: NodeView,
  ctx: ImportContext,
  inputs: readonly string[],
  shape: readonly number[],
  forwardFlops: number,
  out: string = output(n),
  id: string = n.id,
): void {
  const refs = inputs.map((t) => ctx.ref(t, n.field));
  const target = shape.length === 0 ? [1] : [...shape]; // operator-graph tensors have rank ≥ 1
  const attributes = { shape: target, explicitShape: true };
  ctx.emit(
    { id, op: 'reshape', inputs: refs, output: out, attributes, forwardFlops },
    n.field,
    target,
  );
}

/** Emit a plain (element-preserving) reshape of `x` to `shape`. */
export function emitReshape(
  n: NodeView,
  ctx: ImportContext,
  x: string,
  shape: readonly number[],
  out: string = output(n),
  id: string = n.id,
): void {
  const attributes = { shape: [...shape] };
  ctx.emit(
    { id, op: 'reshape', inputs: [ctx.ref(x, n.field)], output: out, attributes, forwardFlops: 0 },
    n.field,
  );
}

/** Elements of a value's shape. */
export const elements = (ctx: ImportContext, name: string, field: string): number =>
  product(ctx.shape(name, field));
