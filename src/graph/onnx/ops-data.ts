/**
 * Converters for data-movement ops whose output size differs from their input's: Slice, Pad,
 * Resize/Upsample, Expand, Tile, Split, GatherElements/GatherND, ScatterND/ScatterElements, and
 * Einsum. Each becomes an explicit-shape node (operator-graph `reshape` with `explicitShape`)
 * with its exact output shape; FLOPs are 0 (pure copies) except Resize's interpolation and
 * Einsum's products.
 * @see https://onnx.ai/onnx/operators/
 */
import { einsumFlops, resizeFlops } from './cost.js';
import { emitExplicit } from './emit.js';
import {
  axis,
  constOperand,
  fail,
  floatsAttr,
  intAttr,
  intsAttr,
  optionalConstOperand,
  optionalInput,
  product,
  requiredInput,
  stringAttr,
  type Converter,
} from './ops-common.js';
import { expandShape, sliceRanges, splitSizes } from './shape-rules.js';

/** Slice with folded starts/ends/axes/steps (inputs from opset 10, attributes before). */
export const convertSlice: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const operands = [1, 2, 3, 4].map((k) => optionalConstOperand(n, ctx, k, 'slice operand'));
  const ranges = sliceRanges(n, shape, operands);
  emitExplicit(
    n,
    ctx,
    [x],
    ranges.map((r) => r.count),
    0,
  );
};

/** Pad: `pads` [begin…, end…] from input 1 (opset 11) or the attribute; optional `axes` (18). */
export const convertPad: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const pads =
    optionalConstOperand(n, ctx, 1, 'pads') ?? intsAttr(n, 'pads') ?? fail(n, 'pads are required');
  const k = optionalInput(n, 2);
  if (k !== undefined) ctx.consume(k);
  const axes = (optionalConstOperand(n, ctx, 3, 'axes') ?? shape.map((_, i) => i)).map((a) =>
    axis(n, a, shape.length),
  );
  const out = [...shape];
  axes.forEach((a, i) => {
    out[a] = (out[a] ?? 0) + (pads[i] ?? 0) + (pads[i + axes.length] ?? 0);
  });
  emitExplicit(n, ctx, [x], out, 0);
};

/**
 * Resize (opset 10+: roi, scales, sizes inputs; `axes` from 18) and Upsample (scales input or
 * attribute): out = sizes, or floor(in · scale).
 */
export const convertResize: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const upsample = n.opType === 'Upsample';
  const scalesAt = upsample ? 1 : n.opset < 11 ? 1 : 2;
  const sizes = upsample || n.opset < 11 ? undefined : optionalConstOperand(n, ctx, 3, 'sizes');
  const scales =
    (sizes === undefined ? optionalConstOperand(n, ctx, scalesAt, 'scales') : undefined) ??
    floatsAttr(n, 'scales');
  const roi = upsample || n.opset < 11 ? undefined : optionalInput(n, 1);
  if (roi !== undefined) ctx.consume(roi);
  const axes = (intsAttr(n, 'axes') ?? shape.map((_, i) => i)).map((a) => axis(n, a, shape.length));
  const out = [...shape];
  axes.forEach((a, i) => {
    if (sizes !== undefined && sizes.length > 0) out[a] = sizes[i] ?? out[a] ?? 1;
    else if (scales !== undefined && scales.length > 0)
      out[a] = Math.floor((shape[a] ?? 1) * (scales[i] ?? 1));
    else fail(n, 'neither scales nor sizes are given');
  });
  const resized = out.filter((d, i) => d !== shape[i]).length;
  const mode = stringAttr(n, 'mode', 'nearest');
  emitExplicit(n, ctx, [x], out, resizeFlops(mode, resized, product(out)));
};

/** Expand: broadcast to the folded `shape` operand. */
export const convertExpand: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const target = expandShape(n, ctx.shape(x, n.field), constOperand(n, ctx, 1, 'shape'));
  emitExplicit(n, ctx, [x], target, 0);
};

/** Tile: each dim times the folded `repeats`. */
export const convertTile: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const repeats = constOperand(n, ctx, 1, 'repeats');
  emitExplicit(
    n,
    ctx,
    [x],
    ctx.shape(x, n.field).map((d, i) => d * (repeats[i] ?? 1)),
    0,
  );
};

/** Split: one explicit-shape node per output. */
export const convertSplit: Converter = (n, ctx) => {
  const x = requiredInput(n, 0);
  const shape = ctx.shape(x, n.field);
  const at = axis(n, intAttr(n, 'axis', 0), shape.length);
  const sizes = splitSizes(n, shape[at] ?? 0, optionalConstOperand(n, ctx, 1, 'split'));
  sizes.forEach((size, k) => {
    const out = n.outputs[k];
    if (out === undefined || out === '') return;
    const id = k === 0 ? n.id : ctx.nodeId(`${n.id}/${k}`);
    emitExplicit(
      n,
      ctx,
      [x],
      shape.map((d, i) => (i === at ? size : d)),
      0,
      out,
      id,
    );
  });
};

/** GatherElements (shape of indices), GatherND, ScatterND/ScatterElements (shape of data). */
export const convertIndexed: Converter = (n, ctx) => {
  const names = n.inputs.filter((t) => t !== '');
  const data = ctx.shape(requiredInput(n, 0), n.field);
  const indices = ctx.shape(requiredInput(n, 1), n.field);
  let shape: number[] = data;
  if (n.opType === 'GatherElements') shape = indices;
  if (n.opType === 'GatherND') {
    const batchDims = intAttr(n, 'batch_dims', 0);
    const last = indices[indices.length - 1] ?? 0;
    shape = [...indices.slice(0, -1), ...data.slice(batchDims + last)];
  }
  emitExplicit(n, ctx, names, shape.length === 0 ? [1] : shape, 0);
};

/**
 * Einsum: output shape from the equation (explicit `->`, or the implicit alphabetical order of
 * indices seen once); FLOPs from cost.ts (einsumFlops). Ellipses are not supported.
 */
export const convertEinsum: Converter = (n, ctx) => {
  const equation = stringAttr(n, 'equation', '').replace(/\s+/g, '');
  if (equation.includes('.')) fail(n, `equation '${equation}': ellipsis is not supported`);
  const [lhs = '', rhs] = equation.split('->');
  const terms = lhs.split(',');
  const names = n.inputs.filter((t) => t !== '');
  if (terms.length !== names.length)
    fail(n, `equation '${equation}' names ${terms.length} operands`);
  const size = new Map<string, number>();
  const seen = new Map<string, number>();
  terms.forEach((term, k) => {
    const shape = ctx.shape(names[k] ?? '', n.field);
    if (term.length !== shape.length)
      fail(n, `operand ${k} has rank ${shape.length}, '${term}' says ${term.length}`);
    [...term].forEach((c, i) => {
      size.set(c, shape[i] ?? 1);
      seen.set(c, (seen.get(c) ?? 0) + 1);
    });
  });
  const outIndices =
    rhs ??
    [...seen.keys()]
      .filter((c) => seen.get(c) === 1)
      .sort()
      .join('');
  const shape = [...outIndices].map(
    (c) => size.get(c) ?? fail(n, `output index '${c}' is not in any operand`),
  );
  const contracts = [...size.keys()].some((c) => !outIndices.includes(c));
  const flops = einsumFlops(names.length, [...size.values()], contracts);
  emitExplicit(n, ctx, names, shape.length === 0 ? [1] : shape, flops);
};
