/**
 * Conv and ConvTranspose, 1-D and 2-D, any group (grouped, depthwise), strides, dilations,
 * asymmetric pads and `auto_pad` → `conv2d` (ONNX-style attributes, operator-graph/shapes.ts);
 * 1-D convolutions run as [N, C, 1, L] with a [O, I, 1, k] weight (same elements) and are
 * reshaped back. FLOPs from cost.ts (convFlops / convTransposeFlops).
 * @see https://onnx.ai/onnx/operators/onnx__Conv.html
 * @see https://onnx.ai/onnx/operators/onnx__ConvTranspose.html
 */
import { convFlops, convTransposeFlops } from './cost.js';
import { emitReshape } from './emit.js';
import {
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

interface Geometry {
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilations: number[];
  /** [begin per dim..., end per dim...] */
  readonly pads: number[];
}

/** `auto_pad` SAME_UPPER/SAME_LOWER: out = ceil(in / stride), extra pad at the end (UPPER). */
function samePads(spatial: readonly number[], g: Omit<Geometry, 'pads'>, upper: boolean): number[] {
  const totals = spatial.map((d, i) => {
    const [s, k, dil] = [g.strides[i] ?? 1, g.kernel[i] ?? 1, g.dilations[i] ?? 1];
    return Math.max(0, (Math.ceil(d / s) - 1) * s + (k - 1) * dil + 1 - d);
  });
  const begin = totals.map((t) => (upper ? Math.floor(t / 2) : Math.ceil(t / 2)));
  return [...begin, ...totals.map((t, i) => t - (begin[i] ?? 0))];
}

function geometry(
  n: NodeView,
  spatial: readonly number[],
  weightSpatial: readonly number[],
): Geometry {
  const dims = spatial.length;
  const ones = spatial.map(() => 1);
  const kernel = intsAttr(n, 'kernel_shape') ?? [...weightSpatial];
  const strides = intsAttr(n, 'strides') ?? ones;
  const dilations = intsAttr(n, 'dilations') ?? ones;
  const autoPad = stringAttr(n, 'auto_pad', 'NOTSET');
  let pads = intsAttr(n, 'pads') ?? [...ones, ...ones].map(() => 0);
  if (autoPad === 'VALID') pads = pads.map(() => 0);
  else if (autoPad.startsWith('SAME') && n.opType === 'Conv')
    pads = samePads(spatial, { kernel, strides, dilations }, autoPad === 'SAME_UPPER');
  if (kernel.length !== dims || pads.length !== 2 * dims)
    fail(n, 'kernel_shape/pads do not match the input rank');
  return { kernel, strides, dilations, pads };
}

/** Per-dim lists of a 1-D op as the 2-D conv2d uses them ([1, x] for the added H dim). */
function as2d(g: Geometry, oneD: boolean): Geometry {
  if (!oneD) return g;
  return {
    kernel: [1, ...g.kernel],
    strides: [1, ...g.strides],
    dilations: [1, ...g.dilations],
    pads: [0, g.pads[0] ?? 0, 0, g.pads[1] ?? 0],
  };
}

/** ConvTranspose `output_shape`: pads that give it (total split as auto_pad SAME_UPPER). */
function transposePads(
  n: NodeView,
  spatial: readonly number[],
  g: Geometry,
  outPad: readonly number[],
): number[] {
  const target = intsAttr(n, 'output_shape');
  if (target === undefined) return g.pads;
  const wanted = target.slice(-spatial.length);
  const totals = spatial.map((d, i) => {
    const [s, k, dil] = [g.strides[i] ?? 1, g.kernel[i] ?? 1, g.dilations[i] ?? 1];
    return s * (d - 1) + (outPad[i] ?? 0) + (k - 1) * dil + 1 - (wanted[i] ?? 0);
  });
  const upper = stringAttr(n, 'auto_pad', 'NOTSET') !== 'SAME_LOWER';
  const begin = totals.map((t) => (upper ? Math.floor(t / 2) : Math.ceil(t / 2)));
  return [...begin, ...totals.map((t, i) => t - (begin[i] ?? 0))];
}

/** Conv / ConvTranspose (see file comment). */
export const convertConv: Converter = (n, ctx) => {
  const [x, w, bias] = [requiredInput(n, 0), requiredInput(n, 1), optionalInput(n, 2)];
  const xShape = ctx.shape(x, n.field);
  const wShape = ctx.shape(w, n.field);
  const rank = xShape.length;
  if ((rank !== 3 && rank !== 4) || wShape.length !== rank)
    fail(n, `only 1-D and 2-D convolutions are supported (input [${xShape.join(', ')}])`);
  const transposed = n.opType === 'ConvTranspose';
  const group = intAttr(n, 'group', 1);
  const spatial = xShape.slice(2);
  const g0 = geometry(n, spatial, wShape.slice(2));
  const outPad = intsAttr(n, 'output_padding') ?? spatial.map(() => 0);
  const g = transposed ? { ...g0, pads: transposePads(n, spatial, g0, outPad) } : g0;
  const oneD = rank === 3;
  const g2 = as2d(g, oneD);
  const x4 = oneD
    ? ctx.ref(x, n.field, [xShape[0] ?? 1, xShape[1] ?? 1, 1, spatial[0] ?? 1])
    : ctx.ref(x, n.field);
  const w4 = oneD
    ? ctx.ref(w, n.field, [wShape[0] ?? 1, wShape[1] ?? 1, 1, wShape[2] ?? 1])
    : ctx.ref(w, n.field);
  const inputs = [x4, w4];
  if (bias !== undefined) inputs.push(ctx.ref(bias, n.field));
  const attributes = {
    kernel_shape: g2.kernel,
    strides: g2.strides,
    pads: g2.pads,
    dilations: g2.dilations,
    group,
    ...(g2.strides.every((s) => s === g2.strides[0]) ? { stride: g2.strides[0] ?? 1 } : {}),
    ...(g2.pads.every((p) => p === g2.pads[0]) ? { padding: g2.pads[0] ?? 0 } : {}),
    ...(transposed
      ? { transposed: true, output_padding: oneD ? [0, outPad[0] ?? 0] : outPad }
      : {}),
  };
  const out = output(n);
  const convOut = oneD ? ctx.fresh(`${out}/2d`) : out;
  const forwardFlops = (outShape: readonly number[]): number =>
    convCost(n, xShape, wShape, outShape, group, bias !== undefined, g.kernel);
  ctx.emit({ id: n.id, op: 'conv2d', inputs, output: convOut, attributes, forwardFlops }, n.field);
  const outShape = ctx.shape(convOut, n.field);
  if (oneD)
    emitReshape(
      n,
      ctx,
      convOut,
      [outShape[0] ?? 1, outShape[1] ?? 1, outShape[3] ?? 1],
      out,
      ctx.nodeId(`${n.id}/1d`),
    );
};

function convCost(
  n: NodeView,
  x: readonly number[],
  w: readonly number[],
  out: readonly number[],
  group: number,
  bias: boolean,
  kernel: readonly number[],
): number {
  const batch = x[0] ?? 1;
  if (n.opType === 'ConvTranspose') {
    const outChannels = (w[1] ?? 1) * group;
    const c = {
      batch,
      inChannels: x[1] ?? 1,
      outChannels,
      group,
      kernel,
      spatial: x.slice(2),
      bias,
    };
    return convTransposeFlops(c, product(out));
  }
  const outSpatial = out.slice(2).filter((_, i) => !(x.length === 3 && i === 0));
  const c = {
    batch,
    inChannels: x[1] ?? 1,
    outChannels: w[0] ?? 1,
    group,
    kernel,
    spatial: outSpatial,
    bias,
  };
  return convFlops(c);
}
