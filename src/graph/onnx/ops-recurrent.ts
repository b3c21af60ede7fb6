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
import {
  fail,
  intAttr,
  optionalInput,
  output,
  requiredInput,
  type Converter,
} from './ops-common.js';

export const convertRecurrent: Converter = (n, ctx) => {
  const cell = n.opType as 'LSTM' | 'GRU' | 'RNN';
  const [x, w, r, b] = [
    requiredInput(n, 0),
    requiredInput(n, 1),
    requiredInput(n, 2),
    optionalInput(n, 3),
  ];
  if (intAttr(n, 'layout', 0) !== 0) fail(n, 'only layout 0 ([seq, batch, input]) is supported');
  const [steps = 1, batch = 1, input = 1] = ctx.shape(x, n.field);
  const [dirs = 1, gh = 1] = ctx.shape(w, n.field);
  const gates = RECURRENT_GATES[cell] ?? 1;
  const hidden = intAttr(n, 'hidden_size', gh / gates);
  if (gh !== gates * hidden) fail(n, `W has ${gh} rows, expected ${gates}·hidden_size`);
  for (const k of [4, 5, 6, 7]) {
    const extra = optionalInput(n, k);
    if (extra !== undefined) ctx.consume(extra); // sequence_lens, initial_h/c, P: read, not streamed
  }
  const base = output(n, 0) === '' ? n.id : (n.outputs.find((o) => o !== '') ?? n.id);
  const gatesOut = ctx.fresh(`${base}/gates_x`);
  const proj = [ctx.ref(x, n.field), ctx.ref(w, n.field, [input, dirs * gh])];
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/input_gemm`),
      op: 'matmul',
      inputs: proj,
      output: gatesOut,
      forwardFlops: gemmFlops(1, steps * batch, input, dirs * gh),
    },
    n.field,
  );
  let gatesIn = gatesOut;
  if (b !== undefined) {
    const view = ctx.fresh(`${base}/gates_view`);
    ctx.emit(
      {
        id: ctx.nodeId(`${n.id}/gates_view`),
        op: 'reshape',
        inputs: [gatesOut],
        output: view,
        attributes: { shape: [steps, batch, 1, dirs * gh] },
        forwardFlops: 0,
      },
      n.field,
    );
    gatesIn = ctx.fresh(`${base}/gates_biased`);
    const biasInputs = [view, ctx.ref(b, n.field, [2, dirs * gh])];
    ctx.emit(
      {
        id: ctx.nodeId(`${n.id}/bias`),
        op: 'add',
        inputs: biasInputs,
        output: gatesIn,
        forwardFlops: 2 * steps * batch * dirs * gh,
      },
      n.field,
    );
  }
  const states = ctx.fresh(`${base}/states`);
  const cellFlops = steps * batch * dirs * hidden * (RECURRENT_CELL_FLOPS[cell] ?? 0);
  emitExplicit(
    n,
    ctx,
    [gatesIn],
    [steps, batch, dirs * hidden],
    cellFlops,
    states,
    ctx.nodeId(`${n.id}/cell`),
  );
  const recurrent = ctx.fresh(`${base}/gates_h`);
  const rInputs = [states, ctx.ref(r, n.field, [dirs * hidden, gh])];
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/recurrent_gemm`),
      op: 'matmul',
      inputs: rInputs,
      output: recurrent,
      forwardFlops: gemmFlops(1, steps * batch, dirs * hidden, gh),
    },
    n.field,
  );
  const y = optionalInput({ ...n, inputs: n.outputs }, 0) ?? ctx.fresh(`${base}/y`);
  emitExplicit(n, ctx, [recurrent], [steps, dirs, batch, hidden], 0, y, n.id);
  [1, 2].forEach((k) => {
    const out = n.outputs[k];
    if (out !== undefined && out !== '')
      emitExplicit(n, ctx, [y], [dirs, batch, hidden], 0, out, ctx.nodeId(`${n.id}/last_${k}`));
  });
};
