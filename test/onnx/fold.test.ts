/**
 * Constant folding of the shape arithmetic real exporters write: nothing of it reaches the
 * operator graph, and the ops it feeds get static shapes.
 */
import { describe, expect, it } from 'vitest';
import { importOnnxGraph } from '../../src/graph/onnx/index.js';
import { encodeModel, int64s, node, value, weight } from './builders.js';

const INT64 = 7;

describe('constant folding', () => {
  it('PyTorch Shape → Gather → Unsqueeze → Concat → Reshape folds into one static reshape', () => {
    const bytes = encodeModel({
      name: 'split-heads',
      inputs: [value('x', ['batch', 'seq', 64])],
      outputs: [],
      initializers: [
        int64s('i0', [0]),
        int64s('i1', [1]),
        int64s('heads', [4, 16]),
        int64s('ax', [0]),
      ],
      nodes: [
        node('Shape', ['x'], ['shape']),
        node('Gather', ['shape', 'i0'], ['b'], { axis: 0 }),
        node('Gather', ['shape', 'i1'], ['s'], { axis: 0 }),
        node('Concat', ['b', 's', 'heads'], ['target'], { axis: 0 }),
        node('Reshape', ['x', 'target'], ['y']),
        node('Relu', ['y'], ['z']),
      ],
    });
    const g = importOnnxGraph(bytes, { batchSize: 2, sequenceLength: 8 });
    expect(g.nodes.map((n) => n.op)).toEqual(['reshape', 'relu']);
    expect(g.nodes[0]?.attributes).toMatchObject({ shape: [2, 8, 4, 16], onnxOp: 'Reshape' });
    expect(g.tensors['z']?.shape).toEqual([2, 8, 4, 16]);
  });

  it('scalar Gather + Unsqueeze (opset 13 axes input) + Concat of a dynamic shape', () => {
    const bytes = encodeModel({
      name: 'flatten-tail',
      inputs: [value('x', ['N', 3, 4, 5])],
      outputs: [],
      initializers: [
        { name: 'zero', dims: [], data_type: INT64, int64_data: [0] },
        int64s('ax', [0]),
        int64s('minus1', [-1]),
      ],
      nodes: [
        node('Shape', ['x'], ['shape']),
        node('Gather', ['shape', 'zero'], ['n'], { axis: 0 }),
        node('Unsqueeze', ['n', 'ax'], ['n1']),
        node('Concat', ['n1', 'minus1'], ['target'], { axis: 0 }),
        node('Reshape', ['x', 'target'], ['y']),
      ],
    });
    expect(importOnnxGraph(bytes, { batchSize: 3 }).tensors['y']?.shape).toEqual([3, 60]);
  });

  it('Slice, Cast, Range, ConstantOfShape, Expand, Equal/Where and arithmetic on shapes fold', () => {
    const bytes = encodeModel({
      name: 'positions',
      inputs: [value('ids', ['batch', 'seq'], INT64)],
      outputs: [],
      initializers: [
        weight('pos_table', [512, 32]),
        int64s('start', [1]),
        int64s('end', [2]),
        { name: 'one', dims: [], data_type: INT64, int64_data: [1] },
        { name: 'zero', dims: [], data_type: INT64, int64_data: [0] },
      ],
      nodes: [
        node('Shape', ['ids'], ['shape']),
        node('Slice', ['shape', 'start', 'end'], ['seq1']),
        node('Cast', ['seq1'], ['seq1f'], { to: 1 }),
        node('Cast', ['seq1f'], ['seq1i'], { to: 7 }),
        node('Squeeze', ['seq1i'], ['seq']),
        node('Range', ['zero', 'seq', 'one'], ['positions']),
        node('Mul', ['seq', 'one'], ['seq_again']),
        node('Equal', ['seq_again', 'seq'], ['same']),
        node('Where', ['same', 'positions', 'positions'], ['pos']),
        node('ConstantOfShape', ['shape'], ['ones'], {
          value: { tensor: { dims: [1], data_type: INT64, int64_data: [1] } },
        }),
        node('Expand', ['pos', 'shape'], ['pos2d']),
        node('Gather', ['pos_table', 'pos2d'], ['emb'], { axis: 0 }),
      ],
    });
    const g = importOnnxGraph(bytes, { batchSize: 2, sequenceLength: 6 });
    expect(g.nodes.map((n) => n.op)).toEqual(['embedding']);
    expect(g.tensors['emb']?.shape).toEqual([2, 6, 32]);
    expect(g.tensors['pos2d']).toMatchObject({ shape: [2, 6], parameter: false });
  });

  it('a Reshape target that depends on data at run time is an error naming the node', () => {
    const bytes = encodeModel({
      name: 'dynamic',
      inputs: [value('x', [2, 6]), value('t', [2], INT64)],
      outputs: [],
      nodes: [
        node('Relu', ['t'], ['t2']),
        node('Reshape', ['x', 't2'], ['y'], {}, { name: 'reshape_dyn' }),
      ],
    });
    expect(() => importOnnxGraph(bytes)).toThrow(
      /node 'reshape_dyn' \(Reshape\): shape is not a constant after folding/,
    );
  });
});
