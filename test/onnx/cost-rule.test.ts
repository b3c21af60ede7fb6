/**
 * The cost model prices an imported node by its own cost (src/costmodel/operator-cost.ts: the
 * node.cost rule): Resize, ConvTranspose, Einsum and LSTM become operator-graph kinds that only
 * approximate them, and their kind formulas would give other FLOPs. Nodes without a cost keep the
 * kind formula.
 */
import { describe, expect, it } from 'vitest';
import { backwardFlops, forwardBytes, forwardFlops } from '../../src/costmodel/index.js';
import { importOnnxGraph } from '../../src/graph/onnx/index.js';
import type { OperatorGraph } from '../../src/graph/operator-graph/index.js';
import { parseOperatorGraph } from '../../src/graph/operator-graph/index.js';
import { enumerateStrategies } from '../../src/search/intra-op/index.js';
import { DEVICE, NVLINK } from '../ilp/fixtures.js';
import { encodeModel, floats, node, value, weight } from './builders.js';

const imported = (nodes: object[], inputs: object[], initializers: object[] = []): OperatorGraph =>
  importOnnxGraph(encodeModel({ name: 'op', nodes, inputs, outputs: [], initializers }));

const CASES: [string, OperatorGraph, number][] = [
  [
    'Resize linear ×2 (a reshape kind: 0 FLOPs by kind)',
    imported(
      [node('Resize', ['x', '', 'sc'], ['y'], { mode: 'linear' })],
      [value('x', [1, 1, 2, 2])],
      [floats('sc', [1, 1, 2, 2])],
    ),
    16 * 7,
  ],
  [
    'ConvTranspose 4→2, 3×3 stride 2 (a conv2d kind reading the weight as [O, C, kh, kw])',
    imported(
      [node('ConvTranspose', ['x', 'w'], ['y'], { strides: [2, 2] })],
      [value('x', [1, 4, 5, 5])],
      [weight('w', [4, 2, 3, 3])],
    ),
    3600,
  ],
  [
    'Einsum bij,bjk->bik',
    imported(
      [node('Einsum', ['x', 'k'], ['y'], { equation: 'bij,bjk->bik' })],
      [value('x', [2, 3, 4]), value('k', [2, 4, 5])],
    ),
    2 * 2 * 3 * 4 * 5,
  ],
  [
    'LSTM T=3 B=2 I=4 H=5 + bias',
    imported(
      [node('LSTM', ['x', 'W', 'R', 'B'], ['y', 'yh', 'yc'], { hidden_size: 5 })],
      [value('x', [3, 2, 4])],
      [weight('W', [1, 20, 4]), weight('R', [1, 20, 5]), weight('B', [1, 40])],
    ),
    3 * (720 + 80 + 230),
  ],
];

describe('operator cost: a node carrying cost is priced by it', () => {
  it.each(CASES)('%s', (_, graph, want) => {
    let total = 0;
    for (const n of graph.nodes) {
      expect(n.cost).toBeDefined();
      expect(forwardFlops(graph, n)).toBe(n.cost?.forwardFlops);
      expect(forwardBytes(graph, n)).toBe(n.cost?.forwardBytes);
      expect(backwardFlops(graph, n)).toBeGreaterThanOrEqual(forwardFlops(graph, n));
      total += forwardFlops(graph, n);
    }
    expect(total).toBe(want);
  });

  it('the kind formula would misprice Resize and ConvTranspose', () => {
    const [resize, convT] = [CASES[0]?.[1], CASES[1]?.[1]];
    if (resize === undefined || convT === undefined) throw new Error('cases');
    const bare = (g: OperatorGraph): number =>
      g.nodes.reduce((s, n) => {
        const kindOnly = { id: n.id, op: n.op, inputs: n.inputs, outputs: n.outputs };
        return s + forwardFlops(g, { ...kindOnly, attributes: n.attributes });
      }, 0);
    expect(bare(resize)).toBe(0);
    expect(bare(convT)).not.toBe(3600);
  });

  it('an imported linear Resize costs compute time in the intra-op tables (roofline)', () => {
    const resize = CASES[0]?.[1];
    const n = resize?.nodes[0];
    if (resize === undefined) throw new Error('cases');
    if (n === undefined) throw new Error('one node');
    const heavy = { ...n, cost: { forwardFlops: 1e15, forwardBytes: n.cost?.forwardBytes ?? 0 } };
    const graph = { ...resize, nodes: [heavy] };
    const ctx = {
      mesh: [1, 1] as const,
      links: [NVLINK, NVLINK] as const,
      device: DEVICE,
      training: false,
    };
    const [s] = enumerateStrategies(graph, heavy, ctx, new Set());
    // 1e15 FLOPs at 989 TFLOP/s × 0.7: about 1.44 s, far above the bytes' time
    expect(s?.computeSeconds).toBeCloseTo(1e15 / (989e12 * 0.7), 6);
  });

  it('a hand-written node (no cost) keeps its kind formula', () => {
    const graph = parseOperatorGraph({
      tensors: {
        x: { shape: [2, 8] },
        w: { shape: [8, 4], parameter: true },
        y: { shape: [2, 4] },
      },
      nodes: [{ id: 'mm', op: 'matmul', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    const mm = graph.nodes[0];
    if (mm === undefined) throw new Error('one node');
    expect(mm.cost).toBeUndefined();
    expect(forwardFlops(graph, mm)).toBe(2 * 2 * 8 * 4);
    expect(forwardBytes(graph, mm)).toBe((16 + 32 + 8) * 2);
  });
});
