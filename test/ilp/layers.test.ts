/** Layers for the stage DP at FLOP quantiles (src/search/intra-op/layers.ts). */
import { describe, expect, it } from 'vitest';
import { parseOperatorGraph, type OperatorGraph } from '../../src/graph/operator-graph/index.js';
import { forwardFlops } from '../../src/costmodel/index.js';
import { groupLayers, layerBounds } from '../../src/search/intra-op/index.js';

/** `blocks` identical blocks of linear → relu → linear → add. */
function blocks(count: number, hidden = 256): OperatorGraph {
  const tensors: Record<string, { shape: number[]; parameter?: boolean }> = {
    x: { shape: [64, hidden] },
  };
  const nodes: { id: string; op: string; inputs: string[]; outputs: string[] }[] = [];
  let x = 'x';
  for (let b = 0; b < count; b++) {
    for (const t of ['a', 'r', 'c', 's']) tensors[`${t}${b}`] = { shape: [64, hidden] };
    tensors[`w${b}`] = { shape: [hidden, hidden], parameter: true };
    tensors[`v${b}`] = { shape: [hidden, hidden], parameter: true };
    nodes.push(
      { id: `a${b}`, op: 'linear', inputs: [x, `w${b}`], outputs: [`a${b}`] },
      { id: `r${b}`, op: 'relu', inputs: [`a${b}`], outputs: [`r${b}`] },
      { id: `c${b}`, op: 'linear', inputs: [`r${b}`, `v${b}`], outputs: [`c${b}`] },
      { id: `s${b}`, op: 'add', inputs: [`c${b}`, x], outputs: [`s${b}`] },
    );
    x = `s${b}`;
  }
  return parseOperatorGraph({ tensors, nodes });
}

describe('layerBounds', () => {
  it('cuts at the node nearest to each FLOP quantile', () => {
    const graph = blocks(23);
    const bounds = layerBounds(graph, 8);
    expect(bounds).toHaveLength(9);
    expect([bounds[0], bounds[8]]).toEqual([0, graph.nodes.length]);
    const prefix = [0];
    for (const n of graph.nodes) prefix.push((prefix.at(-1) ?? 0) + forwardFlops(graph, n) + 1);
    const total = prefix.at(-1) ?? 0;
    for (let k = 1; k < 8; k++) {
      const target = (total * k) / 8;
      const at = prefix[bounds[k] ?? 0] ?? 0;
      for (let i = 1; i < graph.nodes.length; i++)
        expect(Math.abs(at - target)).toBeLessThanOrEqual(Math.abs((prefix[i] ?? 0) - target));
    }
  });

  it('24 equal blocks in 8 layers: 3 blocks each, cut at block starts', () => {
    expect(layerBounds(blocks(24), 8)).toEqual([0, 12, 24, 36, 48, 60, 72, 84, 96]);
  });

  it('gives every node to exactly one layer, in order; fewer nodes than layers → one each', () => {
    const graph = blocks(10);
    expect(groupLayers(graph, 8).flat()).toEqual(graph.nodes);
    expect(groupLayers(blocks(1), 8).map((l) => l.length)).toEqual([1, 1, 1, 1]);
  });
});
