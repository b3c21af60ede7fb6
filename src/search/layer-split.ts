import type { ModelGraph } from '../graph/index.js';

/**
 * Uneven pipeline layer splits: give the chunks holding the embedding or the LM head fewer
 * transformer layers so that every chunk costs about the same (what Megatron-LM's
 * --pipeline-model-parallel-layout / --decoder-first|last-pipeline-num-layers express).
 */

/**
 * Split `numLayers` identical layers over chunks with fixed extra costs `extraCost[i]` (embedding,
 * LM head, in units of one layer's cost) minimising the largest chunk cost n_i + extra_i.
 * Greedy water-filling — each layer goes to the chunk whose cost after adding it is smallest
 * (ties → lower index) — is optimal for identical items (it is the LPT rule with unit jobs).
 * @returns layers per chunk, summing to numLayers
 */
export function balancedLayerSplit(numLayers: number, extraCost: readonly number[]): number[] {
  const counts = extraCost.map(() => 0);
  for (let layer = 0; layer < numLayers; layer++) {
    let best = 0;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i < counts.length; i++) {
      const cost = (counts[i] ?? 0) + 1 + (extraCost[i] ?? 0);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    counts[best] = (counts[best] ?? 0) + 1;
  }
  return counts;
}

/** LM-head (and embedding) cost in units of one transformer layer's forward FLOPs. */
function edgeCostInLayers(graph: ModelGraph): { embedding: number; head: number } {
  const flops = (ops: ModelGraph['ops']): number => ops.reduce((s, op) => s + op.forwardFlops, 0);
  const layer = flops(graph.layerOps);
  return { embedding: flops(graph.preOps) / layer, head: flops(graph.postOps) / layer };
}

/** One layer's worth of extra cost on the first and last chunk. */
function endsLight(numChunks: number): number[] {
  return Array.from({ length: numChunks }, (_, i) => (i === 0 || i === numChunks - 1 ? 1 : 0));
}

/**
 * Layer splits tried per chunk count: the even split when it divides; the cost-balanced split
 * (fewer layers beside the LM head); and the "ends-light" split with one layer fewer on the
 * first and last chunk (the first holds the most in-flight activations in 1F1B, the last the
 * logits), as Megatron's --decoder-first/last-pipeline-num-layers are used in practice.
 */
export function layerSplits(
  graph: ModelGraph,
  numChunks: number,
  pp = numChunks,
): (readonly number[] | null)[] {
  const layers = graph.spec.numLayers;
  // Up to two more chunks than layers: the first and last chunk may hold only the embedding /
  // LM head (Megatron --pipeline-model-parallel-layout stages "E" and "L").
  if (numChunks > layers + 2) return [];
  if (numChunks > layers)
    return numChunks >= 3 ? [balancedLayerSplit(layers, endsLight(numChunks))] : [];
  const edges = edgeCostInLayers(graph);
  const last = numChunks - 1;
  const withEdges = (first: number, final: number): number[] =>
    Array.from({ length: numChunks }, (_, i) => (i === 0 ? first : 0) + (i === last ? final : 0));
  const candidates: (readonly number[] | null)[] = [];
  const seen = new Set<string>();
  const add = (split: readonly number[] | null): void => {
    const key =
      split === null
        ? `even`
        : split.every((n) => n === layers / numChunks)
          ? 'even'
          : split.join('.');
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push(key === 'even' ? null : split);
  };
  if (layers % numChunks === 0) add(null);
  add(balancedLayerSplit(layers, withEdges(edges.embedding, edges.head)));
  if (numChunks >= 3) add(balancedLayerSplit(layers, endsLight(numChunks)));
  if (numChunks > pp) add(rankBalancedSplit(layers, pp, numChunks / pp, edges));
  return candidates;
}

/**
 * Interleaved pipelines balance per rank, not per chunk: water-fill layers over the pp ranks
 * (rank 0 carries the embedding, rank pp − 1 the LM head), then spread each rank's layers evenly
 * over its v chunks (chunk k = c·pp + r runs on rank r).
 */
function rankBalancedSplit(
  layers: number,
  pp: number,
  v: number,
  edges: { embedding: number; head: number },
): number[] {
  const extra = Array.from(
    { length: pp },
    (_, r) => (r === 0 ? edges.embedding : 0) + (r === pp - 1 ? edges.head : 0),
  );
  const perRank = balancedLayerSplit(layers, extra);
  const split = Array.from({ length: pp * v }, () => 0);
  perRank.forEach((total, r) => {
    for (let c = 0; c < v; c++) split[c * pp + r] = Math.floor(total / v) + (c < total % v ? 1 : 0);
  });
  return split;
}
