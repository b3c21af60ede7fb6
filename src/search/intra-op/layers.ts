/**
 * Layers for the stage DP: contiguous, FLOP-balanced groups of the topological node order (Alpa,
 * OSDI'22 §5.2, clusters ops into layers before its DP). Layer k ends at the node whose FLOP
 * prefix is nearest to k/count of the total (FLOP quantiles; ties to the earlier node).
 *
 * Repeated blocks (graph.repeatedBlocks) are not used to place the cuts: layers holding the same
 * blocks are identical stage problems wherever the cuts fall, and range-keys.ts finds them by
 * their structure. Forcing cuts to block starts was measured (bench/graph-plan.ts) and rejected:
 * it unbalances layers that hold only a few blocks (100-op ResNet on 64 H100: 2.316e-2 s step
 * instead of 2.222e-2 s; 300-op MLP chain: 6.852e-2 instead of 6.840e-2 s) and it found fewer
 * identical ranges (300-op chain: 16 ILPs instead of 12), because the FLOP quantiles of a
 * periodic graph already fall at the same phase of each period.
 */
import { forwardFlops } from '../../costmodel/index.js';
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';

/** The index in [from, to) whose prefix is nearest to `target` (ties: the earlier). */
function nearestCut(prefix: readonly number[], from: number, to: number, target: number): number {
  let best = from;
  for (let i = from + 1; i < to; i++)
    if (Math.abs((prefix[i] ?? 0) - target) < Math.abs((prefix[best] ?? 0) - target)) best = i;
  return best;
}

/**
 * Node index where each layer starts, plus the node count at the end: layer k is nodes
 * [bounds[k], bounds[k + 1]); min(maxLayers, nodes) layers at FLOP quantiles.
 */
export function layerBounds(graph: OperatorGraph, maxLayers: number): number[] {
  const n = graph.nodes.length;
  const count = Math.min(maxLayers, n);
  const prefix = [0];
  for (const node of graph.nodes)
    prefix.push((prefix[prefix.length - 1] ?? 0) + forwardFlops(graph, node) + 1);
  const total = prefix[n] ?? 0;
  const bounds = [0];
  for (let layer = 1; layer < count; layer++) {
    // at least one node per layer: after the previous cut, leaving one for each later layer
    const [from, to] = [(bounds[layer - 1] ?? 0) + 1, n - (count - 1 - layer)];
    bounds.push(nearestCut(prefix, from, to, (total * layer) / count));
  }
  bounds.push(n);
  return bounds;
}

/** The layers of {@link layerBounds} as node lists. */
export function groupLayers(graph: OperatorGraph, maxLayers: number): OperatorNode[][] {
  const bounds = layerBounds(graph, maxLayers);
  return bounds.slice(1).map((end, k) => graph.nodes.slice(bounds[k], end));
}
