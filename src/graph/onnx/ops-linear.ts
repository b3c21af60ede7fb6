/**
 * Converters for the ops that carry weights: MatMul, Gemm, Gather (embedding lookup).
 * Conventions of the target kinds are in operator-graph/shapes.ts: `matmul` is A[..., K]·W[K, N]
 * (+ bias[N]), `batched-matmul` A[b..., M, K]·B[b..., K, N], `embedding` ids[...] × table[V, H].
 * Convolutions are in ops-conv.ts.
 */
import type { ImportContext } from './context.js';
import { gemmFlops } from './cost.js';
import { elements, emitExplicit } from './emit.js';
import {
  axis,
  broadcast,
  fail,
  intAttr,
  optionalInput,
  output,
  product,
  requiredInput,
  type Converter,
  type NodeView,
} from './ops-common.js';

/** Emit a transpose of `name` (perm reverses a rank-2 tensor) and return the new tensor name. */
function transposed(n: NodeView, ctx: ImportContext, name: string, suffix: string): string {
  const out = ctx.fresh(`${name}/transposed`);
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/${suffix}`),
      op: 'transpose',
      inputs: [ctx.ref(name, n.field)],
      output: out,
      attributes: { perm: [1, 0] },
      forwardFlops: 0,
    },
    n.field,
  );
  return out;
}

/**
 * MatMul (numpy semantics), 2·∏batch·M·K·N FLOPs: a right operand that is rank 2 (or rank ≥ 3
 * with unit leading dims, when A's rank is at least B's) → `matmul` (weights); equal-rank ≥ 3
 * operands with equal batch dims → `batched-matmul` (attention scores and context); anything else
 * (broadcast batch dims, rank-1 operands) → an explicit-shape node at the same FLOPs.
 * @see https://onnx.ai/onnx/operators/onnx__MatMul.html
 */
export const convertMatMul: Converter = (n, ctx) => {
  const [a, b] = [requiredInput(n, 0), requiredInput(n, 1)];
  const [as, bs] = [ctx.shape(a, n.field), ctx.shape(b, n.field)];
  const k = as[as.length - 1] ?? 1;
  if (
    as.length >= 1 &&
    bs.length >= 2 &&
    as.length >= bs.length &&
    product(bs.slice(0, -2)) === 1
  ) {
    const w = bs.length === 2 ? ctx.ref(b, n.field) : ctx.ref(b, n.field, bs.slice(-2));
    const rows = product(as.slice(0, -1));
    const flops = gemmFlops(1, rows, k, bs[bs.length - 1] ?? 1);
    const inputs = [ctx.ref(a, n.field), w];
    ctx.emit({ id: n.id, op: 'matmul', inputs, output: output(n), forwardFlops: flops }, n.field);
    return;
  }
  const batchA = as.slice(0, -2);
  const batchB = bs.slice(0, -2);
  const m = as.length >= 2 ? (as[as.length - 2] ?? 1) : 1;
  const cols = bs.length >= 2 ? (bs[bs.length - 1] ?? 1) : 1;
  const batch =
    broadcast([batchA, batchB]) ??
    fail(n, `batch dims of [${as.join(', ')}] × [${bs.join(', ')}] do not broadcast`);
  const flops = gemmFlops(product(batch), m, k, cols);
  const sameBatch =
    as.length >= 3 && as.length === bs.length && batchA.every((d, i) => d === batchB[i]);
  if (sameBatch) {
    const inputs = [ctx.ref(a, n.field), ctx.ref(b, n.field)];
    ctx.emit(
      { id: n.id, op: 'batched-matmul', inputs, output: output(n), forwardFlops: flops },
      n.field,
    );
    return;
  }
  const shape = [...batch, ...(as.length >= 2 ? [m] : []), ...(bs.length >= 2 ? [cols] : [])];
  emitExplicit(n, ctx, [a, b], shape, flops);
};

/**
 * Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A, B' = transB ? Bᵀ : B; FLOPs
 * 2·M·K·N (+ M·N for C). A `transB` weight is declared in [K, N] layout (same elements, so the
 * same parameter count and FLOPs); a C that is stored data of N elements becomes the matmul bias,
 * any other C an `add`. alpha and beta scale values only and do not change the cost.
 * @see https://onnx.ai/onnx/operators/onnx__Gemm.html
 */
export const convertGemm: Converter = (n, ctx) => {
  const [aName, bName, cName] = [requiredInput(n, 0), requiredInput(n, 1), optionalInput(n, 2)];
  const a =
    intAttr(n, 'transA', 0) === 1
      ? transposed(n, ctx, aName, 'transpose_a')
      : ctx.ref(aName, n.field);
  const bShape = ctx.shape(bName, n.field);
  if (bShape.length !== 2) fail(n, `B must be rank 2, got [${bShape.join(', ')}]`);
  let b: string;
  if (intAttr(n, 'transB', 0) === 1) {
    const kn = [...bShape].reverse();
    const asWeight = ctx.isStored(bName) ? ctx.use(bName, n.field, kn) : undefined;
    b = asWeight ?? transposed(n, ctx, bName, 'transpose_b');
  } else b = ctx.ref(bName, n.field);
  const [rows, k] = ctx.tensors.get(a)?.shape ?? [1, 1];
  const cols = ctx.tensors.get(b)?.shape[1] ?? 0;
  const inputs = [a, b];
  let addC: string | undefined;
  if (cName !== undefined) {
    const bias =
      elements(ctx, cName, n.field) === cols && ctx.isStored(cName)
        ? ctx.use(cName, n.field, [cols])
        : undefined;
    if (bias !== undefined) inputs.push(bias);
    else addC = ctx.ref(cName, n.field);
  }
  const out = output(n);
  const mm = addC === undefined ? out : ctx.fresh(`${out}/matmul`);
  const flops = gemmFlops(1, rows ?? 1, k ?? 1, cols, inputs.length > 2);
  ctx.emit({ id: n.id, op: 'matmul', inputs, output: mm, forwardFlops: flops }, n.field);
  if (addC !== undefined) {
    const id = ctx.nodeId(`${n.id}/add_c`);
    ctx.emit(
      { id, op: 'add', inputs: [mm, addC], output: out, forwardFlops: (rows ?? 1) * cols },
      n.field,
    );
  }
};

/**
 * Gather: along axis 0 of a rank-2 stored table → `embedding` (token lookup, 0 FLOPs); any other
 * Gather (of activations, other axes) moves data → an explicit-shape node of shape
 * data[:axis] + indices + data[axis + 1:].
 * @see https://onnx.ai/onnx/operators/onnx__Gather.html
 */
export const convertGather: Converter = (n, ctx) => {
  const [data, ids] = [requiredInput(n, 0), requiredInput(n, 1)];
  const dataShape = ctx.shape(data, n.field);
  const idsShape = ctx.shape(ids, n.field);
  const at = axis(n, intAttr(n, 'axis', 0), dataShape.length);
  if (ctx.isStored(data) && dataShape.length === 2 && at === 0 && idsShape.length > 0) {
    const inputs = [ctx.ref(ids, n.field), ctx.ref(data, n.field)];
    const e = {
      id: n.id,
      op: 'embedding' as const,
      inputs,
      output: output(n),
      dtype: ctx.dtype(data),
      forwardFlops: 0,
    };
    ctx.emit({ ...e, elemType: ctx.elemType(data) }, n.field);
    return;
  }
  const shape = [...dataShape.slice(0, at), ...idsShape, ...dataShape.slice(at + 1)];
  if (shape.length === 0) shape.push(1);
  emitExplicit(n, ctx, [data, ids], shape, 0);
};
