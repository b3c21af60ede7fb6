/**
 * Converters for the ops that carry weights: MatMul, Gemm, Conv, Gather (embedding lookup).
 * Conventions of the target kinds are in operator-graph/shapes.ts: `matmul` is A[..., K]·W[K, N]
 * (+ bias[N]), `batched-matmul` A[b..., M, K]·B[b..., K, N], `conv2d` NCHW × OIHW with scalar
 * `stride`/`padding`, `embedding` ids[...] × table[V, H].
 */
import type { ImportContext } from './context.js';
import {
  axis,
  fail,
  intAttr,
  intsAttr,
  optionalInput,
  output,
  product,
  requiredInput,
  stringAttr,
  type Converter,
  type NodeView,
} from './ops-common.js';

/** Emit a transpose of `name` (perm reverses a rank-2 tensor) and return the new tensor name. */
function transposed(n: NodeView, ctx: ImportContext, name: string, suffix: string): string {
  const out = ctx.fresh(`${name}/transposed`);
  ctx.emit(
    {
      id: `${n.id}/${suffix}`,
      op: 'transpose',
      inputs: [ctx.ref(name, n.field)],
      output: out,
      attributes: { perm: [1, 0] },
    },
    n.field,
  );
  return out;
}

/**
 * MatMul (numpy semantics): a rank-2 right operand is a weight → `matmul`; equal-rank ≥ 3
 * operands with equal batch dims → `batched-matmul` (attention scores and context).
 * @see https://onnx.ai/onnx/operators/onnx__MatMul.html
 */
export const convertMatMul: Converter = (n, ctx) => {
  const [a, b] = [requiredInput(n, 0), requiredInput(n, 1)];
  const [aShape, bShape] = [ctx.shape(a, n.field), ctx.shape(b, n.field)];
  const inputs = [ctx.ref(a, n.field), ctx.ref(b, n.field)];
  if (bShape.length === 2) {
    ctx.emit({ id: n.id, op: 'matmul', inputs, output: output(n) }, n.field);
    return;
  }
  if (aShape.length >= 3 && aShape.length === bShape.length) {
    ctx.emit({ id: n.id, op: 'batched-matmul', inputs, output: output(n) }, n.field);
    return;
  }
  fail(
    n,
    `operands [${aShape.join(', ')}] × [${bShape.join(', ')}] need broadcasting, not supported`,
  );
};

/**
 * Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A, B' = transB ? Bᵀ : B. A `transB`
 * weight initializer is declared in [K, N] layout (same elements, so the same parameter count and
 * FLOPs); a C that is an initializer of N elements becomes the matmul bias, any other C an `add`.
 * alpha and beta scale values only and do not change the cost.
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
    const asWeight = ctx.isInitializer(bName) ? ctx.use(bName, n.field, kn) : undefined;
    b = asWeight ?? transposed(n, ctx, bName, 'transpose_b');
  } else b = ctx.ref(bName, n.field);
  const cols = ctx.tensors.get(b)?.shape[1] ?? 0;
  const inputs = [a, b];
  let addC: string | undefined;
  if (cName !== undefined) {
    const cShape = ctx.shape(cName, n.field);
    const bias =
      product(cShape) === cols && ctx.isInitializer(cName)
        ? ctx.use(cName, n.field, [cols])
        : undefined;
    if (bias !== undefined) inputs.push(bias);
    else addC = ctx.ref(cName, n.field);
  }
  const out = output(n);
  const mm = addC === undefined ? out : ctx.fresh(`${out}/matmul`);
  ctx.emit({ id: n.id, op: 'matmul', inputs, output: mm }, n.field);
  if (addC !== undefined)
    ctx.emit({ id: `${n.id}/add_c`, op: 'add', inputs: [mm, addC], output: out }, n.field);
};

/** One value for a per-spatial-dim list (strides, pads), or fail when the dims differ. */
function uniform(n: NodeView, name: string, values: readonly number[], fallback: number): number {
  const first = values[0] ?? fallback;
  if (values.some((v) => v !== first))
    fail(n, `${name} [${values.join(', ')}] must be equal per dim`);
  return first;
}

/**
 * Conv (2-D, group 1, dilation 1): pads must be symmetric and equal, strides equal; `auto_pad`
 * SAME_* is accepted for stride 1 and odd kernels (padding (k−1)/2). The ONNX attributes are kept
 * next to the operator-graph `stride`/`padding`.
 * @see https://onnx.ai/onnx/operators/onnx__Conv.html
 */
export const convertConv: Converter = (n, ctx) => {
  const [x, w, bias] = [requiredInput(n, 0), requiredInput(n, 1), optionalInput(n, 2)];
  const wShape = ctx.shape(w, n.field);
  if (ctx.shape(x, n.field).length !== 4 || wShape.length !== 4)
    fail(n, 'only 2-D (NCHW) convolutions are supported');
  const group = intAttr(n, 'group', 1);
  if (group !== 1) fail(n, `group ${group} (grouped/depthwise convolution) is not supported`);
  const dilations = intsAttr(n, 'dilations') ?? [1, 1];
  if (dilations.some((d) => d !== 1))
    fail(n, `dilations [${dilations.join(', ')}] are not supported`);
  const kernel = intsAttr(n, 'kernel_shape') ?? wShape.slice(2);
  const strides = intsAttr(n, 'strides') ?? [1, 1];
  const stride = uniform(n, 'strides', strides, 1);
  const autoPad = stringAttr(n, 'auto_pad', 'NOTSET');
  let pads = intsAttr(n, 'pads') ?? [0, 0, 0, 0];
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad.startsWith('SAME')) {
    if (stride !== 1 || kernel.some((k) => k % 2 === 0))
      fail(n, `auto_pad ${autoPad} needs stride 1 and odd kernels`);
    pads = [...kernel, ...kernel].map((k) => (k - 1) / 2);
  }
  const padding = uniform(n, 'pads', pads, 0);
  const inputs = [ctx.ref(x, n.field), ctx.ref(w, n.field)];
  if (bias !== undefined) inputs.push(ctx.ref(bias, n.field));
  const attributes = { stride, padding, kernel_shape: kernel, strides, pads, group };
  ctx.emit({ id: n.id, op: 'conv2d', inputs, output: output(n), attributes }, n.field);
};

/**
 * Gather along axis 0 from a rank-2 initializer table → `embedding` (token lookup). Other
 * Gathers (shape arithmetic, gathers of activations) are not supported.
 * @see https://onnx.ai/onnx/operators/onnx__Gather.html
 */
export const convertGather: Converter = (n, ctx) => {
  const [table, ids] = [requiredInput(n, 0), requiredInput(n, 1)];
  const tableShape = ctx.shape(table, n.field);
  const gatherAxis = axis(n, intAttr(n, 'axis', 0), tableShape.length);
  if (!ctx.isInitializer(table) || tableShape.length !== 2 || gatherAxis !== 0)
    fail(n, 'only an embedding lookup (axis 0 into a rank-2 initializer table) is supported');
  const inputs = [ctx.ref(ids, n.field), ctx.ref(table, n.field)];
  ctx.emit(
    { id: n.id, op: 'embedding', inputs, output: output(n), dtype: ctx.dtype(table) },
    n.field,
  );
};
