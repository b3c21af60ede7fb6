/** If with a folded condition takes its branch; Loop with a static trip count is unrolled. */
import { describe, expect, it } from 'vitest';
import { ModelProto, OnnxImportError, importOnnxModel } from '../../src/graph/onnx/index.js';
import { encodeModel, int64s, node, subgraph, value, weight } from './builders.js';

const INT64 = 7;

function ifModel(): Uint8Array {
  const then = subgraph({
    name: 'then',
    inputs: [],
    outputs: [value('a', [2, 4])],
    nodes: [node('Relu', ['x'], ['a'])],
  });
  const other = subgraph({
    name: 'else',
    inputs: [],
    outputs: [value('b', [2, 4])],
    initializers: [weight('w8k', [4, 4])],
    nodes: [node('MatMul', ['x', 'w8k'], ['b'])],
  });
  return encodeModel({
    name: 'if',
    inputs: [value('x', [2, 4]), value('sr', [], INT64)],
    outputs: [value('y', [2, 4])],
    initializers: [{ name: 'k16', dims: [], data_type: INT64, int64_data: [16000] }],
    nodes: [
      node('Equal', ['sr', 'k16'], ['is16k']),
      node(
        'If',
        ['is16k'],
        ['y'],
        { then_branch: { graph: then }, else_branch: { graph: other } },
        { name: 'pick' },
      ),
      node('Sigmoid', ['y'], ['out']),
    ],
  });
}

describe('If', () => {
  it('takes the branch its folded condition selects; the other branch is never read', () => {
    const a = importOnnxModel(ifModel(), { inputValues: { sr: 16000 } });
    expect(a.graph.nodes.map((n) => n.op)).toEqual(['relu', 'silu']);
    expect(a.summary.weights).toMatchObject({ total: 16, parameters: 0, unused: 16 });
    const b = importOnnxModel(ifModel(), { inputValues: { sr: 8000 } });
    expect(b.graph.nodes.map((n) => n.op)).toEqual(['matmul', 'silu']);
    expect(b.graph.nodes[0]?.id).toBe('pick/else_branch/b');
    expect(b.summary.weights).toMatchObject({ total: 16, parameters: 16, unused: 0 });
  });

  it('a condition that does not fold is an error naming the node and the way out', () => {
    try {
      importOnnxModel(ifModel());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OnnxImportError);
      const e = error as OnnxImportError;
      expect(e.reason).toBe('dynamic-control-flow');
      expect(e.field).toBe('model.graph.node[1]');
      expect(e.message).toMatch(
        /node 'pick' \(If\): condition 'is16k' is not a constant.*inputValues/,
      );
    }
  });
});

function loopModel(trip: object): Uint8Array {
  const body = subgraph({
    name: 'body',
    inputs: [value('i', [], INT64), value('cond_in', [], 9), value('h_in', [2, 4])],
    outputs: [value('cond_out', [], 9), value('h_out', [2, 4]), value('scan', [2, 4])],
    nodes: [
      node('Identity', ['cond_in'], ['cond_out']),
      node('MatMul', ['h_in', 'w'], ['h_out']),
      node('Relu', ['h_out'], ['scan']),
    ],
  });
  return encodeModel({
    name: 'loop',
    inputs: [value('h0', [2, 4]), value('n', [], INT64)],
    outputs: [],
    initializers: [
      weight('w', [4, 4]),
      { name: 'yes', dims: [], data_type: 9, int32_data: [1] },
      trip,
    ],
    nodes: [
      node(
        'Loop',
        ['M', 'yes', 'h0'],
        ['h_last', 'scans'],
        { body: { graph: body } },
        { name: 'rnn' },
      ),
    ],
  });
}

describe('Loop', () => {
  it('a static trip count unrolls the body; carried values thread through, scans stack; the weight is one parameter', () => {
    const { graph, summary } = importOnnxModel(
      loopModel({ name: 'M', dims: [], data_type: INT64, int64_data: [3] }),
    );
    expect(graph.nodes.filter((n) => n.op === 'matmul')).toHaveLength(3);
    expect(graph.tensors['scans']?.shape).toEqual([3, 2, 4]);
    expect(summary.parameters).toBe(16);
    expect(summary.weights.unused).toBe(0);
  });

  it('a trip count that is a graph input is an error unless inputValues gives it', () => {
    const dynamic = loopModel(int64s('unused', [0]));
    const patched = ModelProto.decode(dynamic) as unknown as {
      graph: { node: { input: string[] }[] };
    };
    const first = patched.graph.node[0];
    if (first) first.input[0] = 'n';
    const bytes = ModelProto.encode(patched).finish();
    expect(() => importOnnxModel(bytes)).toThrow(/trip count 'n' is not a constant after folding/);
    expect(importOnnxModel(bytes, { inputValues: { n: 2 } }).graph.tensors['scans']?.shape).toEqual(
      [2, 2, 4],
    );
  });
});

describe('model-local functions', () => {
  it('a call is inlined with the function body, attributes taken from the call', () => {
    const bytes = ModelProto.encode(
      ModelProto.fromObject({
        ir_version: 8,
        opset_import: [
          { domain: '', version: 18 },
          { domain: 'local', version: 1 },
        ],
        graph: {
          name: 'g',
          input: [value('x', [2, 8])],
          output: [],
          node: [node('Scaled', ['x'], ['y'], { axis: -1 }, { domain: 'local' })],
        },
        functions: [
          {
            name: 'Scaled',
            domain: 'local',
            input: ['a'],
            output: ['c'],
            attribute: ['axis'],
            node: [
              node('Relu', ['a'], ['b']),
              {
                ...node('Softmax', ['b'], ['c']),
                attribute: [{ name: 'axis', ref_attr_name: 'axis', type: 2 }],
              },
            ],
          },
        ],
      }),
    ).finish();
    const { graph } = importOnnxModel(bytes);
    expect(graph.nodes.map((n) => [n.op, n.id])).toEqual([
      ['relu', 'y/b'],
      ['softmax', 'y/c'],
    ]);
    expect(graph.nodes[1]?.attributes).toMatchObject({ axis: -1 });
  });
});
