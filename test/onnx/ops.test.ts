import { describe, expect, it } from 'vitest';
import { ModelProto, importOnnxGraph, importOnnxModel } from '../../src/graph/onnx/index.js';
import { encodeModel, floats, int64s, node, value, weight } from './builders.js';

const single = (
  nodes: object[],
  inputs: object[],
  initializers: object[] = [],
  valueInfo: object[] = [],
): Uint8Array => encodeModel({ name: 'g', nodes, inputs, outputs: [], initializers, valueInfo });

describe('importOnnx: op mappings', () => {
  it('MaxPool 3×3 stride 2 pad 1 → one windowed reduce, exact output shape and window cost', () => {
    const bytes = single(
      [
        node('MaxPool', ['x'], ['y'], {
          kernel_shape: [3, 3],
          strides: [2, 2],
          pads: [1, 1, 1, 1],
        }),
      ],
      [value('x', [1, 4, 8, 8])],
    );
    const g = importOnnxGraph(bytes);
    expect(g.nodes.map((n) => n.op)).toEqual(['reduce']);
    expect(g.tensors['y']?.shape).toEqual([1, 4, 4, 4]);
    expect(g.nodes[0]?.attributes).toMatchObject({ kernel_shape: [3, 3], strides: [2, 2] });
    expect(g.nodes[0]?.cost?.forwardFlops).toBe(1 * 4 * 4 * 4 * 9);
  });

  it('drops Identity, Dropout and Cast and aliases their outputs', () => {
    const bytes = single(
      [
        node('Identity', ['w'], ['w_tied']),
        node('Dropout', ['x'], ['xd', 'mask']),
        node('Cast', ['xd'], ['xc'], { to: 1 }),
        node('MatMul', ['xc', 'w_tied'], ['y']),
      ],
      [value('x', [2, 8])],
      [weight('w', [8, 4])],
    );
    const g = importOnnxGraph(bytes);
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0]?.inputs).toEqual(['x', 'w']);
    expect(g.tensors['w']?.parameter).toBe(true);
  });

  it('Gemm with transB on an activation emits a transpose; non-bias C becomes an add', () => {
    const bytes = single(
      [node('Gemm', ['a', 'b', 'c'], ['y'], { transB: 1 })],
      [value('a', [2, 8]), value('b', [4, 8]), value('c', [2, 4])],
    );
    const g = importOnnxGraph(bytes);
    expect(g.nodes.map((n) => n.op)).toEqual(['transpose', 'matmul', 'add']);
    expect(g.tensors['y']?.shape).toEqual([2, 4]);
  });

  it('Reshape/Flatten/Squeeze/Unsqueeze become static reshapes (-1 and 0 resolved)', () => {
    const bytes = single(
      [
        node('Reshape', ['x', 'shape'], ['r']),
        node('Unsqueeze', ['r', 'axes'], ['u']),
        node('Squeeze', ['u'], ['s'], { axes: [1] }),
        node('Flatten', ['s'], ['f'], { axis: 1 }),
      ],
      [value('x', [2, 3, 4])],
      [int64s('shape', [0, -1]), int64s('axes', [1])],
    );
    const g = importOnnxGraph(bytes);
    expect(['r', 'u', 's', 'f'].map((t) => g.tensors[t]?.shape)).toEqual([
      [2, 12],
      [2, 1, 12],
      [2, 12],
      [2, 12],
    ]);
  });

  it('Reshape with a computed shape falls back to the value_info shape, else fails', () => {
    const nodes = [node('Relu', ['target'], ['t2']), node('Reshape', ['x', 't2'], ['y'])];
    const inputs = [value('x', [2, 6]), value('target', [2], 7)];
    const ok = importOnnxGraph(single(nodes, inputs, [], [value('y', [3, 4])]));
    expect(ok.tensors['y']?.shape).toEqual([3, 4]);
    expect(() => importOnnxGraph(single(nodes, inputs))).toThrow(/shape is not a constant/);
  });

  it('ReduceMean with axes input (opset 18), Concat, SimplifiedLayerNormalization', () => {
    const bytes = single(
      [
        node('SimplifiedLayerNormalization', ['x', 'g'], ['n'], {}, { domain: 'com.microsoft' }),
        node('Concat', ['n', 'x'], ['c'], { axis: -1 }),
        node('ReduceMean', ['c', 'axes'], ['m'], { keepdims: 0 }),
      ],
      [value('x', [2, 5, 8])],
      [weight('g', [8]), int64s('axes', [1])],
    );
    const g = importOnnxGraph(bytes);
    expect(g.nodes.map((n) => n.op)).toEqual(['rmsnorm', 'concat', 'reduce']);
    expect(g.tensors['c']?.shape).toEqual([2, 5, 16]);
    expect(g.tensors['m']?.shape).toEqual([2, 16]);
  });

  it('Gather of activations moves data: an explicit-shape node of data[:axis] + indices + rest', () => {
    const bytes = single(
      [node('Gather', ['x', 'i'], ['y'], { axis: 1 })],
      [value('x', [2, 8]), value('i', [3], 7)],
    );
    const g = importOnnxGraph(bytes);
    expect(g.nodes[0]?.op).toBe('reshape');
    expect(g.nodes[0]?.attributes).toMatchObject({ explicitShape: true, onnxOp: 'Gather' });
    expect(g.tensors['y']?.shape).toEqual([2, 3]);
    expect(g.nodes[0]?.cost?.forwardFlops).toBe(0);
  });
});

describe('decomposed normalisations', () => {
  it('ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add becomes one layernorm (same FLOPs)', () => {
    const nodes = [
      node('ReduceMean', ['x'], ['mu'], { axes: [-1] }),
      node('Sub', ['x', 'mu'], ['d']),
      node('Pow', ['d', 'two'], ['d2']),
      node('ReduceMean', ['d2'], ['var'], { axes: [-1] }),
      node('Add', ['var', 'eps'], ['ve']),
      node('Sqrt', ['ve'], ['std']),
      node('Div', ['d', 'std'], ['n']),
      node('Mul', ['n', 'g'], ['ng']),
      node('Add', ['ng', 'b'], ['y']),
    ];
    const consts = [floats('two', [2], []), floats('eps', [1e-5], [])];
    const g = importOnnxGraph(
      single(nodes, [value('x', [2, 5, 8])], [...consts, weight('g', [8]), weight('b', [8])]),
    );
    expect(g.nodes.map((n) => n.op)).toEqual(['layernorm']);
    expect(g.nodes[0]?.inputs).toEqual(['x', 'g', 'b']);
    // ReduceMean 80 + 10, Sub 80, Pow 80, ReduceMean 90, Add 10, Sqrt 10, Div 80, Mul 80, Add 80
    expect(g.nodes[0]?.cost?.forwardFlops).toBe(90 + 80 + 80 + 90 + 10 + 10 + 80 + 80 + 80);
  });

  it('Pow/ReduceMean/Add/Sqrt/Div/Mul becomes one rmsnorm; a chain read elsewhere is kept', () => {
    const nodes = [
      node('Pow', ['x', 'two'], ['x2']),
      node('ReduceMean', ['x2'], ['ms'], { axes: [2] }),
      node('Add', ['ms', 'eps'], ['mse']),
      node('Sqrt', ['mse'], ['rms']),
      node('Div', ['x', 'rms'], ['n']),
      node('Mul', ['n', 'g'], ['y']),
    ];
    const inits = [floats('two', [2], []), floats('eps', [1e-6], []), weight('g', [8])];
    const g = importOnnxGraph(single(nodes, [value('x', [2, 5, 8])], inits));
    expect(g.nodes.map((n) => n.op)).toEqual(['rmsnorm']);
    const leaky = importOnnxGraph(
      single([...nodes, node('Relu', ['rms'], ['r'])], [value('x', [2, 5, 8])], inits),
    );
    expect(leaky.nodes.map((n) => n.op)).toContain('reduce');
  });
});

describe('decoder coverage', () => {
  it('a sparse initializer is a weight of its dense dims', () => {
    const bytes = ModelProto.encode(
      ModelProto.fromObject({
        ir_version: 8,
        opset_import: [{ domain: '', version: 18 }],
        graph: {
          name: 'sparse',
          input: [value('x', [2, 8])],
          node: [node('MatMul', ['x', 'w'], ['y'])],
          sparse_initializer: [
            {
              dims: [8, 4],
              values: { name: 'w', dims: [3], data_type: 1, float_data: [1, 2, 3] },
              indices: { name: 'w_idx', dims: [3], data_type: 7, int64_data: [0, 5, 31] },
            },
          ],
        },
      }),
    ).finish();
    const { graph, summary } = importOnnxModel(bytes);
    expect(graph.tensors['w']).toMatchObject({ shape: [8, 4], parameter: true });
    expect(summary.parameters).toBe(32);
  });
});
