/**
 * PrimePar-style spatial-temporal matmul strategies (Wang et al., "PrimePar", ASPLOS'24, §3–4:
 * partitioning sub-operators over devices *and* time steps, operands rotating ring-style).
 *
 * "temporal-row" on mesh axis a with n = mesh[a] devices, for Y[M, N] = X[M, K] · W[K, N]:
 * device i holds X[:, K_i] and W[K_i, :] (row-parallel placement). At step t it computes the
 * partial block X[:, K_i] · W[K_i, N_(i+t) mod n], adds the partial received from its ring
 * neighbour and sends it on; after n steps device i holds the fully reduced Y[:, N_i]. The
 * reduce-scatter that a row-parallel matmul needs disappears into the loop and each step's
 * transfer overlaps the next step's compute. The backward rotates dY blocks the same way (a fused
 * all-gather) to form dX[:, K_i] = dY · W[K_i, :]ᵀ and dW[K_i, :] = X[:, K_i]ᵀ · dY.
 *
 *   T_forward  = n · max(c_f, x) + x        c_f = GEMM seconds of 1/n of the device's forward
 *   T_backward = n · max(c_b, x) + x        c_b = GEMM seconds of 1/n of the device's backward
 *   x = sendRecvSeconds(|Y| / (n · n_batch))  one block over the ring link of axis a (+ the
 *   initial transfer that fills the pipeline). Memory: W/n of parameter state, and of Y only the
 *   resident block plus one receive buffer (2·|Y|/(n·n_batch)) instead of the full partial sum.
 */
import {
  sendRecvSeconds,
  backwardFlops,
  forwardFlops,
  tensorBytes,
} from '../../costmodel/index.js';
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';
import { allReduceOverAxes, type AxisMask, type Layout } from './layout.js';
import { matmulSeconds, PARAMETER_STATE_BYTES_PER_WEIGHT_BYTE } from './compute.js';
import type { IntraOpContext, Strategy } from './types.js';

const AXIS_NAMES = ['S0', 'S1'] as const;

function applicable(graph: OperatorGraph, node: OperatorNode): boolean {
  if (node.op !== 'matmul' && node.op !== 'linear') return false;
  return (graph.tensors[node.inputs[0] ?? '']?.shape.length ?? 0) >= 2;
}

/** Spatial-temporal strategies of one matmul (empty for other ops); see file comment. */
export function temporalStrategies(
  graph: OperatorGraph,
  node: OperatorNode,
  ctx: IntraOpContext,
): Strategy[] {
  if (!applicable(graph, node)) return [];
  const out: Strategy[] = [];
  for (const axis of [0, 1] as const) {
    const other = (1 - axis) as 0 | 1;
    for (const batched of [false, true]) {
      if (batched && ctx.mesh[other] === 1) continue;
      const s = temporalRow(graph, node, ctx, axis, batched ? other : undefined);
      if (s) out.push(s);
    }
  }
  return out;
}

function temporalRow(
  graph: OperatorGraph,
  node: OperatorNode,
  ctx: IntraOpContext,
  axis: 0 | 1,
  batchAxis: 0 | 1 | undefined,
): Strategy | undefined {
  const a = graph.tensors[node.inputs[0] ?? ''];
  const w = graph.tensors[node.inputs[1] ?? ''];
  const y = graph.tensors[node.outputs[0] ?? ''];
  const steps = ctx.mesh[axis];
  const nb = batchAxis === undefined ? 1 : ctx.mesh[batchAxis];
  if (!a || !w || !y || steps < 2) return undefined;
  const [k, n, m] = [w.shape[0] ?? 1, w.shape[1] ?? 1, a.shape[0] ?? 1];
  if (k % steps !== 0 || n % steps !== 0 || m % nb !== 0) return undefined;
  const perDeviceForwardFlops = forwardFlops(graph, node) / (steps * nb);
  const perDeviceBackwardFlops = ctx.training ? backwardFlops(graph, node) / (steps * nb) : 0;
  const cf = matmulSeconds(perDeviceForwardFlops / steps, ctx);
  const cb = matmulSeconds(perDeviceBackwardFlops / steps, ctx);
  const blockBytes = tensorBytes(y) / (steps * nb);
  const x = sendRecvSeconds(blockBytes, ctx.links[axis]);
  const forward = steps * Math.max(cf, x) + x;
  const backward = ctx.training ? steps * Math.max(cb, x) + x : 0;
  const computeSeconds = steps * (cf + cb);
  const weightShardBytes = tensorBytes(w) / steps;
  const batchMask = (batchAxis === undefined ? 0 : batchAxis + 1) as AxisMask;
  // data-parallel gradient all-reduce of the weight shard over the batch axis
  const gradSeconds =
    ctx.training && w.parameter ? allReduceOverAxes(weightShardBytes, batchMask, ctx) : 0;
  const sharded = (axis + 1) as AxisMask;
  const aLayout: Layout = a.shape.map((_, i) =>
    i === 0 ? batchMask : i === a.shape.length - 1 ? sharded : 0,
  );
  const yLayout: Layout = y.shape.map((_, i) =>
    i === 0 ? batchMask : i === y.shape.length - 1 ? sharded : 0,
  );
  const inputLayouts: Layout[] = [
    aLayout,
    [sharded, 0],
    ...(node.inputs.length > 2 ? [[sharded] as Layout] : []),
  ];
  return {
    name: `temporal-row@${AXIS_NAMES[axis]}${batchAxis === undefined ? '' : `,d0@${AXIS_NAMES[batchAxis]}`}`,
    inputLayouts,
    outputLayouts: [yLayout],
    computeSeconds,
    commSeconds: forward + backward - computeSeconds + gradSeconds,
    memoryBytes:
      (w.parameter ? weightShardBytes * PARAMETER_STATE_BYTES_PER_WEIGHT_BYTE : weightShardBytes) +
      2 * blockBytes,
    temporal: { steps },
  };
}
