/**
 * Structural keys of contiguous node ranges: two ranges with the same key have the same intra-op
 * problem on a given mesh (the same strategies with the same costs per position, the same edges
 * with the same resharding matrices), so one solve answers both — the repeated layers of a
 * transformer exported layer by layer (graph.repeatedBlocks), whose stages the stage DP asks for
 * again and again at different offsets.
 *
 * A node's part of the key is everything its strategies are costed from (op, attributes, its own
 * cost, every input's and output's shape, dtype and parameter flag, whether an input receives a
 * gradient, i.e. is produced by some node) plus its wiring inside the range: for each input, how
 * many nodes back its producer is, or "outside" when that is before the range (a stage input,
 * sliced for free). Two keys are equal exactly when those lists are equal.
 */
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';

export class RangeKeys {
  /** Per node: a small id of its structural signature (equal ids = interchangeable nodes). */
  private readonly ids: readonly number[];
  /** Per node, per input: index of the producing node, or −1. */
  private readonly producers: readonly (readonly number[])[];

  constructor(graph: OperatorGraph) {
    const produced = new Map<string, number>();
    graph.nodes.forEach((n, i) => n.outputs.forEach((t) => produced.set(t, i)));
    const seen = new Map<string, number>();
    this.ids = graph.nodes.map((n) => {
      const text = nodeSignature(graph, n, produced);
      const id = seen.get(text) ?? seen.size;
      seen.set(text, id);
      return id;
    });
    this.producers = graph.nodes.map((n) => n.inputs.map((t) => produced.get(t) ?? -1));
  }

  /** The key of nodes [start, end) planned as one stage. */
  key(start: number, end: number): string {
    const parts: string[] = [];
    for (let i = start; i < end; i++) {
      const wiring = (this.producers[i] ?? []).map((p) => (p < start ? -1 : i - p));
      parts.push(`${this.ids[i] ?? -1}<${wiring.join(',')}`);
    }
    return parts.join(' ');
  }
}

function nodeSignature(
  graph: OperatorGraph,
  node: OperatorNode,
  produced: ReadonlyMap<string, number>,
): string {
  const tensor = (t: string): unknown => {
    const s = graph.tensors[t];
    return s === undefined ? null : [s.shape, s.dtype, s.parameter, produced.has(t)];
  };
  const attributes = Object.keys(node.attributes)
    .sort()
    .map((k) => [k, node.attributes[k]]);
  return JSON.stringify([
    node.op,
    attributes,
    node.cost ?? null,
    node.inputs.map(tensor),
    node.outputs.map(tensor),
  ]);
}
