/**
 * If and Loop, inlined. An `If` whose condition folds to a constant runs the branch it takes
 * (the other is never read); a `Loop` whose trip count `M` folds (or whose condition folds to
 * false after a known number of iterations) is unrolled, each iteration's body inlined under a
 * fresh scope, loop-carried values threaded through and scan outputs stacked along a new axis 0.
 * Anything data-dependent is an error naming the node and the value that did not fold.
 * @see https://onnx.ai/onnx/operators/onnx__If.html
 * @see https://onnx.ai/onnx/operators/onnx__Loop.html
 */
import { MAX_IMPORTED_GRAPH_NODES } from '../operator-graph/index.js';
import type { ImportContext } from './context.js';
import { emitExplicit } from './emit.js';
import { OnnxImportError } from './errors.js';
import type { OnnxGraph } from './model-types.js';
import { graphAttr, optionalInput, type NodeView } from './ops-common.js';
import { ONNX_DATA_TYPE } from './proto.js';
import type { Scope } from './scope.js';

/** Runs a subgraph in `scope` and returns the global names of its outputs. */
export type RunSubgraph = (
  graph: OnnxGraph,
  scope: Scope,
  field: string,
  idPrefix: string,
) => string[];

/** Most iterations unrolled from one Loop. */
export const MAX_LOOP_ITERATIONS = 10_000;
/** Most inputs of one explicit-shape node (operator-graph limit). */
const MAX_NODE_INPUTS = 64;

function dynamic(n: NodeView, message: string): never {
  throw new OnnxImportError(
    n.field,
    `node '${n.id}' (${n.opType}): ${message}; bind the graph inputs or dims it depends on ` +
      '(options.inputValues, options.dimParams)',
    undefined,
    'dynamic-control-flow',
  );
}

export function convertIf(n: NodeView, ctx: ImportContext, run: RunSubgraph): void {
  const cond = n.inputs[0] ?? '';
  const value = ctx.value(cond);
  if (value === undefined || value.length !== 1)
    dynamic(n, `condition '${cond}' is not a constant after folding`);
  ctx.consume(cond);
  const branch = value[0] !== 0 ? 'then_branch' : 'else_branch';
  const graph = graphAttr(n, branch);
  const outs = run(
    graph,
    n.scope.child(`${n.id}/${branch}/`),
    `${n.field}.attribute['${branch}'].g`,
    `${n.id}/${branch}/`,
  );
  n.outputs.forEach((o, k) => {
    const from = outs[k];
    if (o !== '' && from !== undefined) ctx.alias(o, from);
  });
}

/** Stack per-iteration values along a new axis 0 (explicit nodes, ≤ 64 inputs each, then a concat). */
function stack(n: NodeView, ctx: ImportContext, parts: readonly string[], out: string): void {
  const shape = ctx.shape(parts[0] ?? '', n.field);
  if (parts.length <= MAX_NODE_INPUTS) {
    emitExplicit(n, ctx, parts, [parts.length, ...shape], 0, out, ctx.nodeId(`${n.id}/stack`));
    return;
  }
  const chunks: string[] = [];
  for (let k = 0; k < parts.length; k += MAX_NODE_INPUTS) {
    const chunk = parts.slice(k, k + MAX_NODE_INPUTS);
    const name = ctx.fresh(`${out}/chunk${chunks.length}`);
    stack(n, ctx, chunk, name);
    chunks.push(name);
  }
  if (chunks.length > MAX_NODE_INPUTS) dynamic(n, `too many iterations to stack (${parts.length})`);
  const inputs = chunks.map((c) => ctx.ref(c, n.field));
  ctx.emit(
    {
      id: ctx.nodeId(`${n.id}/concat`),
      op: 'concat',
      inputs,
      output: out,
      attributes: { axis: 0 },
      forwardFlops: 0,
    },
    n.field,
  );
}

export function convertLoop(n: NodeView, ctx: ImportContext, run: RunSubgraph): void {
  const body = graphAttr(n, 'body');
  const tripName = optionalInput(n, 0);
  const trip = tripName === undefined ? undefined : ctx.value(tripName)?.[0];
  if (tripName !== undefined && trip === undefined)
    dynamic(n, `trip count '${tripName}' is not a constant after folding`);
  let cond = optionalInput(n, 1);
  let carried = n.inputs.slice(2);
  const scans: string[][] = [];
  const limit = Math.min(trip ?? MAX_LOOP_ITERATIONS + 1, MAX_LOOP_ITERATIONS + 1);
  let i = 0;
  for (; i < limit; i++) {
    if (cond !== undefined) {
      const c = ctx.value(cond);
      if (c === undefined) {
        if (trip === undefined) dynamic(n, `condition '${cond}' is not a constant after folding`);
      } else if (c[0] === 0) break;
    }
    const scope = n.scope.child(`${n.id}/iter${i}/`);
    const iter = ctx.fresh(`${n.id}/iter${i}/i`);
    ctx.define(iter, [], ONNX_DATA_TYPE.INT64, [i]);
    scope.bind(body.inputs[0]?.name ?? '', iter);
    if (cond !== undefined) scope.bind(body.inputs[1]?.name ?? '', cond);
    carried.forEach((v, k) => scope.bind(body.inputs[2 + k]?.name ?? '', v));
    const outs = run(body, scope, `${n.field}.attribute['body'].g`, `${n.id}/iter${i}/`);
    cond = outs[0];
    carried = outs.slice(1, 1 + carried.length);
    scans.push(outs.slice(1 + carried.length));
    if (ctx.nodes.length > MAX_IMPORTED_GRAPH_NODES)
      throw new OnnxImportError(
        n.field,
        `unrolling '${n.id}' passes ${MAX_IMPORTED_GRAPH_NODES} nodes`,
        undefined,
        'too-large',
      );
  }
  if (i > MAX_LOOP_ITERATIONS) dynamic(n, `more than ${MAX_LOOP_ITERATIONS} iterations`);
  carried.forEach((v, k) => {
    const o = n.outputs[k];
    if (o !== undefined && o !== '') ctx.alias(o, v);
  });
  n.outputs.slice(carried.length).forEach((o, j) => {
    if (o === '') return;
    const parts = scans.map((s) => s[j] ?? '');
    if (parts.length === 0) dynamic(n, `scan output '${o}' of a loop that runs 0 times`);
    stack(n, ctx, parts, o);
  });
}
