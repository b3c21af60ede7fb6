/**
 * Repeated blocks: a transformer exported layer by layer (PyTorch writes every layer's ops
 * again) is reported as one run of identical blocks on the operator graph.
 */
import { describe, expect, it } from 'vitest';
import { importOnnxGraph } from '../../src/graph/onnx/index.js';
import { findRepeatedBlocks, parseOperatorGraph } from '../../src/graph/operator-graph/index.js';
import { encodeModel, int64s, node, value, weight } from './builders.js';

const HIDDEN = 32;
const HEADS = 4;

/** One pre-norm transformer layer as an exporter writes it (attention with MatMul/Softmax). */
function layer(l: number, x: string): { nodes: object[]; weights: object[]; out: string } {
  const p = (s: string): string => `l${l}.${s}`;
  const split = (t: string, perm: number[]): object[] => [
    node('Reshape', [p(t), 'heads_shape'], [p(`${t}_h`)]),
    node('Transpose', [p(`${t}_h`)], [p(`${t}_t`)], { perm }),
  ];
  const nodes = [
    node('LayerNormalization', [x, p('ln1_g'), p('ln1_b')], [p('n1')]),
    ...['q', 'k', 'v'].map((t) => node('MatMul', [p('n1'), p(`w${t}`)], [p(t)])),
    ...split('q', [0, 2, 1, 3]),
    ...split('k', [0, 2, 3, 1]),
    ...split('v', [0, 2, 1, 3]),
    node('MatMul', [p('q_t'), p('k_t')], [p('scores')]),
    node('Softmax', [p('scores')], [p('probs')], { axis: -1 }),
    node('MatMul', [p('probs'), p('v_t')], [p('ctx')]),
    node('Transpose', [p('ctx')], [p('ctx_t')], { perm: [0, 2, 1, 3] }),
    node('Reshape', [p('ctx_t'), 'merge_shape'], [p('ctx_m')]),
    node('MatMul', [p('ctx_m'), p('wo')], [p('attn')]),
    node('Add', [x, p('attn')], [p('r1')]),
    node('LayerNormalization', [p('r1'), p('ln2_g'), p('ln2_b')], [p('n2')]),
    node('MatMul', [p('n2'), p('up')], [p('u')]),
    node('Gelu', [p('u')], [p('g')]),
    node('MatMul', [p('g'), p('down')], [p('d')]),
    node('Add', [p('r1'), p('d')], [p('out')]),
  ];
  const weights = [
    ...['ln1_g', 'ln1_b', 'ln2_g', 'ln2_b'].map((w) => weight(p(w), [HIDDEN])),
    ...['wq', 'wk', 'wv', 'wo'].map((w) => weight(p(w), [HIDDEN, HIDDEN])),
    weight(p('up'), [HIDDEN, 4 * HIDDEN]),
    weight(p('down'), [4 * HIDDEN, HIDDEN]),
  ];
  return { nodes, weights, out: p('out') };
}

function deepTransformer(layers: number): Uint8Array {
  let x = 'h0';
  const nodes: object[] = [node('Gather', ['emb', 'ids'], ['h0'], { axis: 0 })];
  const weights: object[] = [weight('emb', [1000, HIDDEN])];
  for (let l = 0; l < layers; l++) {
    const block = layer(l, x);
    nodes.push(...block.nodes);
    weights.push(...block.weights);
    x = block.out;
  }
  nodes.push(node('MatMul', [x, 'lm_head'], ['logits']));
  weights.push(weight('lm_head', [HIDDEN, 1000]));
  return encodeModel({
    name: 'deep',
    inputs: [value('ids', ['batch', 'seq'], 7)],
    outputs: [],
    initializers: [
      ...weights,
      int64s('heads_shape', [0, 0, HEADS, HIDDEN / HEADS]),
      int64s('merge_shape', [0, 0, HIDDEN]),
    ],
    nodes,
  });
}

describe('repeated blocks', () => {
  it('200 layers exported one by one are one run of 200 identical blocks', () => {
    const g = importOnnxGraph(deepTransformer(200), { batchSize: 2, sequenceLength: 16 });
    expect(g.nodes.length).toBe(1 + 200 * 22 + 1);
    const runs = g.repeatedBlocks ?? [];
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run?.nodeCount).toBe(22);
    expect(run?.starts.length).toBe(200);
    const ops = (k: number): string[] =>
      g.nodes.slice(run?.starts[k] ?? 0, (run?.starts[k] ?? 0) + 22).map((n) => n.op);
    expect(ops(199)).toEqual(ops(0));
    expect(run?.signature).toMatch(/^[0-9a-f]{16}$/);
  });

  it('blocks with different shapes are not the same block', () => {
    const g = importOnnxGraph(deepTransformer(3), { batchSize: 2, sequenceLength: 16 });
    const blocks = findRepeatedBlocks(g);
    expect(blocks[0]?.starts.length).toBe(3);
    const other = importOnnxGraph(deepTransformer(3), { batchSize: 2, sequenceLength: 8 });
    expect(findRepeatedBlocks(other)[0]?.signature).not.toBe(blocks[0]?.signature);
  });

  it('a graph without repetition has none, and hand-written JSON graphs can ask for them', () => {
    const g = parseOperatorGraph({
      tensors: {
        x: { shape: [4, 8] },
        w: { shape: [8, 8], parameter: true },
        a: { shape: [4, 8] },
        b: { shape: [4, 8] },
      },
      nodes: [
        { id: 'mm', op: 'matmul', inputs: ['x', 'w'], outputs: ['a'] },
        { id: 'act', op: 'relu', inputs: ['a'], outputs: ['b'] },
      ],
    });
    expect(findRepeatedBlocks(g)).toEqual([]);
    expect(g.repeatedBlocks).toBeUndefined();
  });
});
