/**
 * Strategy enumeration and per-strategy cost (Alpa, OSDI'22 §4.1–4.2): for each op, every way of
 * giving each mesh axis to at most one shardable label (or none) — replicate; batch on axis 0 / 1 /
 * both; Megatron column (n) and row (k) for matmul; 2-D combinations; conv2d batch/out-channel;
 * element-wise ops follow their input — skipping axes of size 1 and labels that do not divide.
 */
import { backwardFlops, forwardBytes, forwardFlops, tensorBytes } from '../../costmodel/index.js';
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';
import {
  efficiencyAt,
  matmulSeconds,
  PARAMETER_STATE_BYTES_PER_WEIGHT_BYTE,
  BACKWARD_BYTES_FACTOR,
} from './compute.js';
import { opLabels, type OpLabels } from './labels.js';
import {
  allReduceOverAxes,
  axisDevices,
  layoutShards,
  type AxisMask,
  type Layout,
} from './layout.js';
import { temporalStrategies } from './temporal.js';
import type { IntraOpContext, Strategy } from './types.js';

function memorySeconds(bytes: number, ctx: IntraOpContext): number {
  if (bytes <= 0) return 0;
  return (
    bytes /
    (ctx.device.memoryBandwidthBytesPerSecond * efficiencyAt(ctx.device.memoryEfficiency, bytes))
  );
}

/** Per-label axis assignments: axis 0 and axis 1 each go to one shardable label or to none. */
function assignments(
  labels: OpLabels,
  graph: OperatorGraph,
  node: OperatorNode,
  ctx: IntraOpContext,
): Map<string, AxisMask>[] {
  const sizes = labelSizes(graph, node, labels);
  const options = [undefined, ...labels.shardable];
  const result: Map<string, AxisMask>[] = [];
  for (const a0 of ctx.mesh[0] > 1 ? options : [undefined]) {
    for (const a1 of ctx.mesh[1] > 1 ? options : [undefined]) {
      const masks = new Map<string, AxisMask>();
      if (a0 !== undefined) masks.set(a0, 1);
      if (a1 !== undefined) masks.set(a1, ((masks.get(a1) ?? 0) | 2) as AxisMask);
      const ok = [...masks].every(([l, m]) => {
        const n = axisDevices(m, ctx.mesh);
        return (sizes.get(l) ?? 1) % n === 0 && (labels.divides[l] ?? n) % n === 0;
      });
      if (ok) result.push(masks);
    }
  }
  return result;
}

function labelSizes(
  graph: OperatorGraph,
  node: OperatorNode,
  labels: OpLabels,
): Map<string, number> {
  const sizes = new Map<string, number>();
  node.inputs.forEach((t, k) =>
    graph.tensors[t]?.shape.forEach((d, i) => sizes.set(labels.inputs[k]?.[i] ?? '', d)),
  );
  graph.tensors[node.outputs[0] ?? '']?.shape.forEach((d, i) =>
    sizes.set(labels.output[i] ?? '', d),
  );
  return sizes;
}

const layoutOf = (dims: readonly string[], masks: ReadonlyMap<string, AxisMask>): Layout =>
  dims.map((l) => masks.get(l) ?? 0);

function unionMask(
  masks: ReadonlyMap<string, AxisMask>,
  keep: (label: string) => boolean,
): AxisMask {
  let m = 0;
  for (const [l, mask] of masks) if (keep(l)) m |= mask;
  return m as AxisMask;
}

/** A tensor needs a gradient when it is a parameter or produced by a node. */
export function requiresGrad(
  graph: OperatorGraph,
  tensor: string,
  produced: ReadonlySet<string>,
): boolean {
  return graph.tensors[tensor]?.parameter === true || produced.has(tensor);
}

function strategyCost(
  graph: OperatorGraph,
  node: OperatorNode,
  labels: OpLabels,
  masks: ReadonlyMap<string, AxisMask>,
  ctx: IntraOpContext,
  produced: ReadonlySet<string>,
): Strategy {
  const shards = axisDevices(
    unionMask(masks, () => true),
    ctx.mesh,
  );
  const inputLayouts = labels.inputs.map((dims) => layoutOf(dims, masks));
  const outLayout = layoutOf(labels.output, masks);
  const outBytes =
    tensorBytes(
      graph.tensors[node.outputs[0] ?? ''] ?? { shape: [], dtype: 'bf16', parameter: false },
    ) / layoutShards(outLayout, ctx.mesh);
  const flops =
    (forwardFlops(graph, node) + (ctx.training ? backwardFlops(graph, node) : 0)) / shards;
  const bytes =
    (forwardBytes(graph, node) * (ctx.training ? 1 + BACKWARD_BYTES_FACTOR : 1)) / shards;
  // Roofline: the slower of compute and memory traffic. For ops that are not GEMMs the FLOP term
  // at the GEMM rate is a lower bound (they run on CUDA cores); it matters only when a node's own
  // cost carries real FLOPs on a data-movement kind (an imported Einsum or linear Resize).
  const computeSeconds = Math.max(matmulSeconds(flops, ctx), memorySeconds(bytes, ctx));
  // forward: a sharded contraction label leaves partial sums in the output → all-reduce
  let commSeconds = allReduceOverAxes(
    outBytes,
    unionMask(masks, (l) => !labels.output.includes(l)),
    ctx,
  );
  let memoryBytes = outBytes;
  node.inputs.forEach((t, k) => {
    const spec = graph.tensors[t];
    const dims = labels.inputs[k] ?? [];
    const shardBytes = spec ? tensorBytes(spec) / layoutShards(inputLayouts[k] ?? [], ctx.mesh) : 0;
    if (spec?.parameter === true) memoryBytes += shardBytes * PARAMETER_STATE_BYTES_PER_WEIGHT_BYTE;
    // backward: labels sharded but absent from this input make its gradient a partial sum → all-reduce
    // (for a parameter this is the data-parallel gradient all-reduce)
    if (ctx.training && requiresGrad(graph, t, produced))
      commSeconds += allReduceOverAxes(
        shardBytes,
        unionMask(masks, (l) => !dims.includes(l)),
        ctx,
      );
  });
  const name =
    masks.size === 0
      ? 'replicate'
      : [...masks].map(([l, m]) => `${l}@${['R', 'S0', 'S1', 'S01'][m]}`).join(',');
  return {
    name,
    inputLayouts,
    outputLayouts: [outLayout],
    computeSeconds,
    commSeconds,
    memoryBytes,
  };
}

/**
 * All strategies of one op with their costs, deduplicated by layouts and sorted by name (stable).
 * @param produced tensors produced by some node (their gradients flow back)
 */
export function enumerateStrategies(
  graph: OperatorGraph,
  node: OperatorNode,
  ctx: IntraOpContext,
  produced: ReadonlySet<string>,
): Strategy[] {
  const labels = opLabels(graph, node);
  const seen = new Set<string>();
  const out: Strategy[] = [];
  for (const masks of assignments(labels, graph, node, ctx)) {
    const s = strategyCost(graph, node, labels, masks, ctx, produced);
    const key = JSON.stringify([s.inputLayouts, s.outputLayouts]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  if (ctx.temporal !== false) out.push(...temporalStrategies(graph, node, ctx));
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
