import { describe, expect, it } from 'vitest';
import {
  OnnxImportError,
  importOnnx,
  importOnnxGraph,
  MAX_ONNX_BYTES,
} from '../../src/graph/onnx/index.js';
import { parseOperatorGraph, type OperatorGraph } from '../../src/graph/operator-graph/index.js';
import { encodeModel, node, value, weight } from './builders.js';
import { importError } from './import-error.js';
import { TINY, cnnModel, mlpModel, transformerModel } from './models.js';

const ops = (g: OperatorGraph): string[] => g.nodes.map((n) => n.op);
const shapeOf = (g: OperatorGraph, t: string): readonly number[] | undefined => g.tensors[t]?.shape;
const parameters = (g: OperatorGraph): string[] =>
  Object.entries(g.tensors)
    .filter(([, t]) => t.parameter)
    .map(([name]) => name)
    .sort();

describe('importOnnx: sample models', () => {
  it('(a) 2-layer MLP → matmul, add, relu, matmul with weights as parameters', () => {
    const g = parseOperatorGraph(importOnnx(mlpModel()));
    expect(ops(g)).toEqual(['matmul', 'add', 'relu', 'matmul']);
    expect(parameters(g)).toEqual(['b1', 'w1', 'w2']);
    // FLOP-relevant dims: M = 32, K = 784, N = 256, then K = 256, N = 10.
    expect(shapeOf(g, 'x')).toEqual([32, 784]);
    expect(shapeOf(g, 'w1')).toEqual([784, 256]);
    expect(shapeOf(g, 'h')).toEqual([32, 256]);
    expect(shapeOf(g, 'logits')).toEqual([32, 10]);
    expect(g.tensors['x']).toMatchObject({ dtype: 'fp32', parameter: false });
  });

  it('(b) residual CNN → conv2d ×2, add, reduce, reshape, matmul (Gemm transB)', () => {
    const g = importOnnxGraph(cnnModel(), { batchSize: 8 });
    expect(ops(g)).toEqual(['conv2d', 'relu', 'conv2d', 'add', 'reduce', 'reshape', 'matmul']);
    expect(parameters(g)).toEqual(['conv1_b', 'conv1_w', 'conv2_w', 'fc_b', 'fc_w']);
    expect(shapeOf(g, 'image')).toEqual([8, 3, 32, 32]);
    expect(shapeOf(g, 'c2')).toEqual([8, 16, 32, 32]);
    expect(shapeOf(g, 'pooled')).toEqual([8, 16, 1, 1]);
    expect(shapeOf(g, 'flat')).toEqual([8, 16]);
    // transB: fc_w [10, 16] is declared as W[K = 16, N = 10]; same 160 elements.
    expect(shapeOf(g, 'fc_w')).toEqual([16, 10]);
    expect(shapeOf(g, 'logits')).toEqual([8, 10]);
    const conv = g.nodes[0];
    expect(conv?.inputs).toEqual(['image', 'conv1_w', 'conv1_b']);
    expect(conv?.attributes).toMatchObject({
      stride: 1,
      padding: 1,
      kernel_shape: [3, 3],
      group: 1,
    });
    expect(g.nodes[4]?.attributes).toMatchObject({
      axes: [2, 3],
      keepdims: true,
      onnxOp: 'GlobalAveragePool',
    });
  });

  it('(c) transformer block → embedding, layernorm, q/k/v matmuls, attention, residual', () => {
    const { vocab, hidden, heads, headDim } = TINY;
    const g = importOnnxGraph(transformerModel(), { batchSize: 2, dimParams: { seq: 8 } });
    expect(ops(g)).toEqual([
      'embedding',
      'layernorm',
      'matmul',
      'matmul',
      'matmul',
      'reshape',
      'transpose',
      'reshape',
      'transpose',
      'reshape',
      'transpose',
      'batched-matmul',
      'mul',
      'softmax',
      'batched-matmul',
      'transpose',
      'reshape',
      'matmul',
      'add',
    ]);
    expect(parameters(g)).toEqual(['emb', 'ln_bias', 'ln_scale', 'wk', 'wo', 'wq', 'wv']);
    expect(g.tensors['input_ids']).toMatchObject({
      shape: [2, 8],
      dtype: 'int64',
      parameter: false,
    });
    expect(g.tensors['inv_sqrt_d']).toMatchObject({ shape: [1], parameter: false });
    expect(shapeOf(g, 'emb')).toEqual([vocab, hidden]);
    expect(shapeOf(g, 'h')).toEqual([2, 8, hidden]);
    expect(shapeOf(g, 'q_t')).toEqual([2, heads, 8, headDim]);
    expect(shapeOf(g, 'k_t')).toEqual([2, heads, headDim, 8]);
    expect(shapeOf(g, 'scores')).toEqual([2, heads, 8, 8]);
    expect(shapeOf(g, 'context')).toEqual([2, 8, hidden]);
    expect(shapeOf(g, 'out')).toEqual([2, 8, hidden]);
    expect(g.nodes.find((n) => n.id === 'x')?.attributes).toMatchObject({ epsilon: 1e-5 });
  });

  it('is deterministic: the same bytes give the same JSON', () => {
    expect(importOnnx(mlpModel())).toEqual(importOnnx(mlpModel()));
  });
});

describe('importOnnx: errors', () => {
  it('lists every unsupported op by name in one error', () => {
    const bytes = encodeModel({
      name: 'detector',
      inputs: [value('boxes', [1, 10, 4]), value('scores', [1, 1, 10]), value('k', [1], 7)],
      outputs: [value('top', [1, 1, 5])],
      nodes: [
        node('NonMaxSuppression', ['boxes', 'scores'], ['selected']),
        node('Relu', ['scores'], ['r']),
        node('TopK', ['r', 'k'], ['top', 'idx']),
        node('TopK', ['r', 'k'], ['top2', 'idx2']),
        node('Foo', ['r'], ['f'], {}, { domain: 'com.example' }),
      ],
    });
    const error = importError(() => importOnnx(bytes));
    expect(error.unsupportedOps).toEqual(['NonMaxSuppression', 'TopK', 'com.example.Foo']);
    expect(error.field).toBe('model.graph.node');
    expect(error.message).toMatch(/NonMaxSuppression.*TopK/);
  });

  it('resolves a symbolic batch dim from batchSize (default 1) and dimParams by name', () => {
    expect(importOnnxGraph(cnnModel(), { batchSize: 4 }).tensors['logits']?.shape).toEqual([4, 10]);
    expect(importOnnxGraph(cnnModel(), { dimParams: { N: 3 } }).tensors['image']?.shape).toEqual([
      3, 3, 32, 32,
    ]);
    expect(importOnnxGraph(cnnModel()).tensors['image']?.shape).toEqual([1, 3, 32, 32]);
  });

  it('needs sequenceLength or dimParams for a non-batch symbolic dim (batchSize alone is not enough)', () => {
    const error = importError(() => importOnnx(transformerModel(), { batchSize: 2 }));
    expect(error.message).toContain("tensor 'input_ids' dim 1 is symbolic ('seq')");
    expect(error.message).toContain("options.dimParams['seq'] or options.sequenceLength");
    expect(error.reason).toBe('unresolved-dim');
    expect(error.field).toBe('model.graph.input[0].type.tensor_type.shape.dim[1]');
  });

  it.each([
    ['random bytes', Uint8Array.from({ length: 256 }, (_, i) => (i * 73 + 11) % 256)],
    ['text', new TextEncoder().encode('this is not an onnx file')],
    ['empty', new Uint8Array(0)],
    ['truncated model', mlpModel().slice(0, 40)],
  ])('rejects %s with an OnnxImportError', (_, bytes) => {
    expect(() => importOnnx(bytes)).toThrow(OnnxImportError);
  });

  it('rejects files over 256 MiB and models over 100,000 nodes', () => {
    const big = importError(() => importOnnx(new Uint8Array(MAX_ONNX_BYTES + 1)));
    expect(big.message).toContain('256 MiB');
    expect(big.reason).toBe('too-large');
    const relus = Array.from({ length: 100_001 }, (_, i) => node('Relu', [`t${i}`], [`t${i + 1}`]));
    const many = encodeModel({
      name: 'deep',
      inputs: [value('t0', [4])],
      outputs: [value('t100001', [4])],
      nodes: relus,
    });
    const error = importError(() => importOnnx(many));
    expect(error.message).toContain('more than 100000 nodes');
    expect(error.reason).toBe('too-large');
  });

  it('reports a value_info shape that contradicts the inferred one', () => {
    const bytes = encodeModel({
      name: 'bad',
      inputs: [value('x', [2, 8])],
      outputs: [value('y', [2, 5])],
      initializers: [weight('w', [8, 4])],
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
    });
    expect(importError(() => importOnnx(bytes)).message).toMatch(
      /declares 'y' as \[2, 5\] but matmul gives \[2, 4\]/,
    );
  });

  it('imports grouped (depthwise) convolutions: 2·N·Cout·H·W·(Cin/group)·kh·kw FLOPs', () => {
    const grouped = encodeModel({
      name: 'dw',
      inputs: [value('x', [1, 4, 8, 8])],
      outputs: [value('y', [1, 4, 8, 8])],
      initializers: [weight('w', [4, 1, 3, 3])],
      nodes: [
        node('Conv', ['x', 'w'], ['y'], { group: 4, pads: [1, 1, 1, 1] }, { name: 'dw_conv' }),
      ],
    });
    const g = importOnnxGraph(grouped);
    expect(g.nodes[0]?.attributes).toMatchObject({ group: 4, onnxOp: 'Conv' });
    expect(g.tensors['y']?.shape).toEqual([1, 4, 8, 8]);
    expect(g.nodes[0]?.cost?.forwardFlops).toBe(2 * 4 * 8 * 8 * 1 * 3 * 3);
  });
});
