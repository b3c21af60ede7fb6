/**
 * Bad input: each case is a typed OnnxImportError with a protobuf path in `field`, a message
 * naming the culprit and a machine-readable `reason` (the API maps all of them to 4xx).
 */
import { describe, expect, it } from 'vitest';
import { importOnnxModel, readOnnxModel } from '../../src/graph/onnx/index.js';
import { encodeModel, node, subgraph, value, weight } from './builders.js';
import { importError } from './import-error.js';
import { mlpModel } from './models.js';

describe('bad ONNX input', () => {
  it('a truncated file', () => {
    const bytes = mlpModel('zeros');
    const e = importError(() => importOnnxModel(bytes.slice(0, bytes.byteLength - 1000)));
    expect(e).toMatchObject({ reason: 'truncated', field: 'model' });
    expect(e.message).toMatch(/truncated or corrupt/);
  });

  it.each([
    [
      'a PNG header',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    ],
    ['text', new TextEncoder().encode('{"tensors": {}, "nodes": []}')],
    ['an empty file', new Uint8Array(0)],
  ])('not a protobuf ModelProto: %s', (_, bytes) => {
    const e = importError(() => importOnnxModel(bytes));
    expect(e.reason).toBe('not-onnx');
    expect(e.field).toMatch(/^model/);
  });

  it('a protobuf that is not an ONNX model (no ir_version, no graph)', () => {
    const e = importError(() => readOnnxModel(Uint8Array.from([0x12, 0x03, 0x61, 0x62, 0x63])));
    expect(e).toMatchObject({ reason: 'not-onnx', field: 'model.graph' });
  });

  it('an op with no cost rule lists every such op', () => {
    const bytes = encodeModel({
      name: 'nms',
      inputs: [value('boxes', [1, 10, 4]), value('scores', [1, 1, 10])],
      outputs: [],
      nodes: [
        node('NonMaxSuppression', ['boxes', 'scores'], ['sel']),
        node('Relu', ['scores'], ['r']),
      ],
    });
    const e = importError(() => importOnnxModel(bytes));
    expect(e).toMatchObject({
      reason: 'unsupported-op',
      field: 'model.graph.node',
      unsupportedOps: ['NonMaxSuppression'],
    });
    expect(e.message).toContain('no shape/cost rule');
  });

  it('external data is refused, naming the tensor and its file', () => {
    const bytes = encodeModel({
      name: 'ext',
      inputs: [value('x', [2, 8])],
      outputs: [],
      initializers: [weight('w_ok', [8, 8], 1, 'zeros'), weight('w_big', [8, 4], 1, 'external')],
      nodes: [node('MatMul', ['x', 'w_ok'], ['h']), node('MatMul', ['h', 'w_big'], ['y'])],
    });
    const e = importError(() => importOnnxModel(bytes));
    expect(e).toMatchObject({ reason: 'external-data', field: 'model.graph.initializer[1]' });
    expect(e.message).toContain(
      "tensor 'w_big' keeps its data in an external file ('weights.bin')",
    );
  });

  it('external data inside an If branch Constant is found too', () => {
    const branch = subgraph({
      name: 'b',
      inputs: [],
      outputs: [value('c', [4])],
      nodes: [node('Constant', [], ['c'], { value: { tensor: weight('k', [4], 1, 'external') } })],
    });
    const bytes = encodeModel({
      name: 'if-ext',
      inputs: [value('flag', [], 9)],
      outputs: [],
      nodes: [
        node('If', ['flag'], ['y'], {
          then_branch: { graph: branch },
          else_branch: { graph: branch },
        }),
      ],
    });
    const e = importError(() => readOnnxModel(bytes));
    expect(e.reason).toBe('external-data');
    expect(e.field).toBe(
      "model.graph.node[0].attribute['then_branch'].g.node[0].attribute['value'].t",
    );
  });

  it('an unbound symbolic dim names the tensor, the dim and the option', () => {
    const bytes = encodeModel({
      name: 'img',
      inputs: [value('x', ['N', 3, 'height', 'width'])],
      outputs: [],
      nodes: [node('Relu', ['x'], ['y'])],
    });
    const e = importError(() => importOnnxModel(bytes));
    expect(e).toMatchObject({
      reason: 'unresolved-dim',
      field: 'model.graph.input[0].type.tensor_type.shape.dim[2]',
    });
    expect(e.message).toContain("pass options.dimParams['height']");
  });
});
