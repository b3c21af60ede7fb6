/** Operator-graph input: examples parse; each semantic error names its field and node. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forwardFlops, backwardFlops, parameterBytes } from '../../src/costmodel/operator-cost.js';
import {
  GraphInputError,
  MAX_GRAPH_NODES,
  parseOperatorGraph,
} from '../../src/graph/operator-graph/index.js';

const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../examples/graphs/${name}`, import.meta.url), 'utf8'));

const mlp = () => ({
  tensors: {
    x: { shape: [8, 16] },
    w1: { shape: [16, 32], parameter: true },
    h: { shape: [8, 32] },
    a: { shape: [8, 32] },
  } as Record<string, { shape: number[]; parameter?: boolean }>,
  nodes: [
    { id: 'fc1', op: 'linear', inputs: ['x', 'w1'], outputs: ['h'] },
    { id: 'act', op: 'relu', inputs: ['h'], outputs: ['a'] },
  ],
});

function expectError(input: unknown, field: string, message: RegExp): void {
  try {
    parseOperatorGraph(input);
  } catch (e) {
    expect(e).toBeInstanceOf(GraphInputError);
    expect((e as GraphInputError).field).toBe(field);
    expect((e as GraphInputError).message).toMatch(message);
    return;
  }
  throw new Error('expected a GraphInputError');
}

describe('operator graph examples', () => {
  it.each(['resnet-cnn.json', 'two-tower-multimodal.json'])('%s parses', (name) => {
    const graph = parseOperatorGraph(example(name));
    expect(graph.nodes.length).toBeGreaterThan(5);
  });
});

describe('GraphInputError cases', () => {
  it('unknown op', () => {
    const g = mlp();
    g.nodes[1] = { ...g.nodes[1], op: 'frobnicate' } as (typeof g.nodes)[number];
    expectError(g, 'graph.nodes[1].op', /node 'act': unknown op 'frobnicate'/);
  });
  it('dangling input', () => {
    const g = mlp();
    g.nodes[0] = { ...g.nodes[0], inputs: ['x', 'missing'] } as (typeof g.nodes)[number];
    expectError(g, 'graph.nodes[0].inputs[1]', /dangling input 'missing'/);
  });
  it('tensor produced twice', () => {
    const g = mlp();
    g.nodes[1] = { ...g.nodes[1], outputs: ['h'] } as (typeof g.nodes)[number];
    expectError(g, 'graph.nodes[1].outputs[0]', /'h' is produced twice/);
  });
  it('cycle names a node on it', () => {
    const g = mlp();
    g.nodes[0] = { ...g.nodes[0], inputs: ['a', 'w1'] } as (typeof g.nodes)[number];
    g.tensors['x'] = { shape: [8, 32] };
    expectError(g, 'graph.nodes[0]', /cycle through node '(fc1|act)'/);
  });
  it('matmul inner dims differ', () => {
    const g = mlp();
    g.tensors['w1'] = { shape: [15, 32], parameter: true };
    expectError(g, 'graph.nodes[0].inputs[1]', /node 'fc1' \(linear\): inner dims differ/);
  });
  it('declared output shape differs', () => {
    const g = mlp();
    g.tensors['a'] = { shape: [8, 33] };
    expectError(g, 'graph.nodes[1].outputs[0]', /node 'act': shape mismatch/);
  });
  it('structural errors carry a JSON path', () => {
    expectError({ tensors: { x: { shape: [0] } }, nodes: [] }, 'graph.tensors.x.shape[0]', /.+/);
  });
  it(`more than ${MAX_GRAPH_NODES} nodes`, () => {
    const nodes = Array.from({ length: MAX_GRAPH_NODES + 1 }, (_, i) => ({
      id: `n${i}`,
      op: 'relu',
      inputs: ['x'],
      outputs: [`y${i}`],
    }));
    expectError({ tensors: { x: { shape: [1] } }, nodes }, 'graph.nodes', /.+/);
  });
});

describe('per-op FLOPs and bytes', () => {
  const g = parseOperatorGraph(mlp());
  const [fc1, act] = g.nodes;
  it.each([
    ['linear forward = 2·M·K·N', () => forwardFlops(g, fc1 as never), 2 * 8 * 16 * 32],
    ['linear backward = 2 × forward', () => backwardFlops(g, fc1 as never), 2 * 2 * 8 * 16 * 32],
    ['relu forward = elements', () => forwardFlops(g, act as never), 8 * 32],
    ['linear parameter bytes (bf16)', () => parameterBytes(g, fc1 as never), 16 * 32 * 2],
  ])('%s', (_name, got, want) => expect(got()).toBe(want));
});
