/**
 * LSTM, GRU and RNN (layout 0: X [T, B, I], W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H]; G gates,
 * D directions). The operator graph has no recurrent kind, so one cell becomes the chain its
 * arithmetic is made of, with the weights as parameters in [K, N] layout (same elements):
 *   1. `matmul`  X [T, B, I] · W' [I, D·G·H]          the input projections of every step
 *   2. `add`     + B' [2, D·G·H] (both biases)          when B is given, on a [T, B, 1, D·G·H] view
 *   3. `reshape` (explicit) → H-state sequence [T, B, D·H]   the cell's element-wise math
 *   4. `matmul`  [T, B, D·H] · R' [D·H, G·H]           the recurrent projections of every step
 *   5. `reshape` (explicit) → Y [T, D, B, H]; Y_h and Y_c [D, B, H] copy its last step
 * The FLOPs of cost.ts's recurrentFlops are split over these nodes (GEMMs, biases, cell), so
 * they sum to the op's; the sequential dependence between steps is not modelled.
 * @see https://onnx.ai/onnx/operators/onnx__LSTM.html
 */
import { RECURRENT_CELL_FLOPS, RECURRENT_GATES, gemmFlops } from './cost.js';
import { emitExplicit } from './emit.js';
import type { ImportContext } from './context.js';
import {
  fail,
  intAttr,
  optionalInput,
  requiredInput,
  type Converter,
  type NodeView,
} from './ops-common.js';

interface Cell {
  readonly kind: 'LSTM' | 'GRU' | 'RNN';
  readonly steps: number;
  readonly batch: number;
  readonly input: number;
  readonly dirs: number;
  /** G·H: rows of W per direction. */
  readonly gateRows: number;
  readonly hidden: number;
  /** Prefix for fresh value names. */
  readonly base: string;
}

function cellOf(n: NodeView, ctx: ImportContext): Cell {
  if (intAttr(n, 'layout', 0) !== 0) fail(n, 'only layout 0 ([seq, batch, input]) is supported');
  const kind = n.opType as Cell['kind'];
  const [steps = 1, batch = 1, input = 1] = ctx.shape(requiredInput(n, 0), n.field);
  const [dirs = 1, gateRows = 1] = ctx.shape(requiredInput(n, 1), n.field);
  const gates = RECURRENT_GATES[kind] ?? 1;
  const hidden = intAttr(n, 'hidden_size', gateRows / gates);
  if (gateRows !== gates * hidden) fail(n, `W has ${gateRows} rows, expected ${gates}·hidden_size`);
  const base = n.outputs.find((o) => o !== '') ?? n.id;
  return { kind, steps, batch, input, dirs, gateRows, hidden, base };
}

/** Steps 1–2: input projections of all steps, plus both biases when B is given. */
function inputGates(n: NodeView, ctx: ImportContext, c: Cell): string {
  const [x, w, b] = [requiredInput(n, 0), requiredInput(n, 1), optionalInput(n, 3)];
  const width = c.dirs * c.gateRows;
  const gates = ctx.fresh(`${c.base}/gates_x`);
  const proj = [ctx.ref(x, n.field), ctx.ref(w, n.field, [c.input, width])];
  const flops = gemmFlops(1, c.steps * c.batch, c.input, width);
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/input_gemm`),
      op: 'matmul',
      inputs: proj,
      output: gates,
      forwardFlops: flops,
    },
    n.field,
  );
  if (b === undefined) return gates;
  const view = ctx.fresh(`${c.base}/gates_view`);
  const shape = [c.steps, c.batch, 1, width];
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/gates_view`),
      op: 'reshape',
      inputs: [gates],
      output: view,
      attributes: { shape },
      forwardFlops: 0,
    },
    n.field,
  );
  const biased = ctx.fresh(`${c.base}/gates_biased`);
  const inputs = [view, ctx.ref(b, n.field, [2, width])];
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/bias`),
      op: 'add',
      inputs,
      output: biased,
      forwardFlops: 2 * c.steps * c.batch * width,
    },
    n.field,
  );
  return biased;
}

/** LSTM / GRU / RNN (see file comment). */
export const convertRecurrent: Converter = (n, ctx) => {
  const c = cellOf(n, ctx);
  for (const k of [4, 5, 6, 7]) {
    const extra = optionalInput(n, k);
    if (extra !== undefined) ctx.consume(extra); // sequence_lens, initial_h/c, P: read, not streamed
  }
  const gates = inputGates(n, ctx, c);
  const states = ctx.fresh(`${c.base}/states`);
  const cellFlops = c.steps * c.batch * c.dirs * c.hidden * (RECURRENT_CELL_FLOPS[c.kind] ?? 0);
  const statesShape = [c.steps, c.batch, c.dirs * c.hidden];
  emitExplicit(n, ctx, [gates], statesShape, cellFlops, states, ctx.nodeId(`${n.id}/cell`));
  const recurrent = ctx.fresh(`${c.base}/gates_h`);
  const rInputs = [states, ctx.ref(requiredInput(n, 2), n.field, [c.dirs * c.hidden, c.gateRows])];
  const rFlops = gemmFlops(1, c.steps * c.batch, c.dirs * c.hidden, c.gateRows);
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/recurrent_gemm`),
      op: 'matmul',
      inputs: rInputs,
      output: recurrent,
      forwardFlops: rFlops,
    },
    n.field,
  );
  const y =
    n.outputs[0] !== undefined && n.outputs[0] !== '' ? n.outputs[0] : ctx.fresh(`${c.base}/y`);
  emitExplicit(n, ctx, [recurrent], [c.steps, c.dirs, c.batch, c.hidden], 0, y, n.id);
  [1, 2].forEach((k) => {
    const out = n.outputs[k];
    if (out !== undefined && out !== '')
      emitExplicit(
        n,
        ctx,
        [y],
        [c.dirs, c.batch, c.hidden],
        0,
        out,
        ctx.nodeId(`${n.id}/last_${k}`),
      );
  });
};
