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
