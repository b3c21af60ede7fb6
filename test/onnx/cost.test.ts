/**
 * Per-op-family forward FLOPs, against hand-computed values (one table row per op family; the
 * formula of each is in src/graph/onnx/cost.ts with its source). A row's FLOPs are the sum over
 * the nodes its one ONNX op becomes.
 */
import { describe, expect, it } from 'vitest';
import { importOnnxGraph } from '../../src/graph/onnx/index.js';
import { encodeModel, floats, int64s, node, value, weight } from './builders.js';

interface Row {
  readonly nodes: object[];
  readonly inputs: object[];
  readonly initializers?: object[];
  readonly want: number;
}

const x = (dims: number[]): object => value('x', dims);
const flops = (r: Row): number => {
  const bytes = encodeModel({
    name: 'op',
    nodes: r.nodes,
    inputs: r.inputs,
    outputs: [],
    initializers: r.initializers ?? [],
  });
  return importOnnxGraph(bytes).nodes.reduce((s, n) => s + (n.cost?.forwardFlops ?? 0), 0);
};

const ROWS: [string, Row][] = [
  [
    'MatMul [2,8]·[8,4]: 2·2·8·4',
    {
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
      inputs: [x([2, 8])],
      initializers: [weight('w', [8, 4])],
      want: 128,
    },
  ],
  [
    'Gemm + bias: 2·2·8·4 + 2·4',
    {
      nodes: [node('Gemm', ['x', 'w', 'b'], ['y'])],
      inputs: [x([2, 8])],
      initializers: [weight('w', [8, 4]), weight('b', [4])],
      want: 136,
    },
  ],
  [
    'MatMul attention [2,4,8,16]·[2,4,16,8]: 2·(2·4)·8·16·8',
    {
      nodes: [node('MatMul', ['x', 'k'], ['y'])],
      inputs: [x([2, 4, 8, 16]), value('k', [2, 4, 16, 8])],
      want: 2 * 8 * 8 * 16 * 8,
    },
  ],
  [
    'Conv 3→16, 3×3, pad 1 on 8×8: 2·16·8·8·3·9',
    {
      nodes: [node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] })],
      inputs: [x([1, 3, 8, 8])],
      initializers: [weight('w', [16, 3, 3, 3])],
      want: 55_296,
    },
  ],
  [
    'Conv + bias adds N·Cout·H·W',
    {
      nodes: [node('Conv', ['x', 'w', 'b'], ['y'])],
      inputs: [x([1, 3, 8, 8])],
      initializers: [weight('w', [16, 3, 3, 3]), weight('b', [16])],
      want: 2 * 16 * 36 * 27 + 16 * 36,
    },
  ],
  [
    'depthwise Conv (group 8), stride 2: 2·8·4·4·1·9',
    {
      nodes: [node('Conv', ['x', 'w'], ['y'], { group: 8, strides: [2, 2], pads: [1, 1, 1, 1] })],
      inputs: [x([1, 8, 8, 8])],
      initializers: [weight('w', [8, 1, 3, 3])],
      want: 2 * 8 * 16 * 9,
    },
  ],
  [
    'Conv1D 2→4, k 3 on 10: 2·4·8·2·3',
    {
      nodes: [node('Conv', ['x', 'w'], ['y'])],
      inputs: [x([1, 2, 10])],
      initializers: [weight('w', [4, 2, 3])],
      want: 384,
    },
  ],
  [
    'ConvTranspose 4→2, 3×3 stride 2 on 5×5: 2·4·25·2·9',
    {
      nodes: [node('ConvTranspose', ['x', 'w'], ['y'], { strides: [2, 2] })],
      inputs: [x([1, 4, 5, 5])],
      initializers: [weight('w', [4, 2, 3, 3])],
      want: 3600,
    },
  ],
  [
    'BatchNormalization [2,4,3,3]: 5 per element',
    {
      nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'])],
      inputs: [x([2, 4, 3, 3])],
      initializers: ['s', 'b', 'm', 'v'].map((t) => weight(t, [4])),
      want: 5 * 72,
    },
  ],
  [
    'LayerNormalization [2,3,8]: 5 per element',
    {
      nodes: [node('LayerNormalization', ['x', 's', 'b'], ['y'])],
      inputs: [x([2, 3, 8])],
      initializers: [weight('s', [8]), weight('b', [8])],
      want: 5 * 48,
    },
  ],
  [
    'HardSigmoid: 4 per element',
    { nodes: [node('HardSigmoid', ['x'], ['y'])], inputs: [x([2, 10])], want: 80 },
  ],
  [
    'HardSwish: 5 per element',
    { nodes: [node('HardSwish', ['x'], ['y'])], inputs: [x([2, 10])], want: 100 },
  ],
  [
    'Clip with constant bounds: 2 per element',
    {
      nodes: [node('Clip', ['x', 'lo', 'hi'], ['y'])],
      inputs: [x([2, 10])],
      initializers: [floats('lo', [0], []), floats('hi', [6], [])],
      want: 40,
    },
  ],
  [
    'Sigmoid: 3 per element',
    { nodes: [node('Sigmoid', ['x'], ['y'])], inputs: [x([2, 10])], want: 60 },
  ],
  ['Tanh: 5 per element', { nodes: [node('Tanh', ['x'], ['y'])], inputs: [x([2, 10])], want: 100 }],
  [
    'Erf, Sqrt: 1 per element each',
    {
      nodes: [node('Erf', ['x'], ['e']), node('Sqrt', ['e'], ['y'])],
      inputs: [x([2, 10])],
      want: 40,
    },
  ],
  [
    'Pow by a constant exponent: 1 per element',
    {
      nodes: [node('Pow', ['x', 'two'], ['y'])],
      inputs: [x([2, 10])],
      initializers: [floats('two', [2], [])],
      want: 20,
    },
  ],
  [
    'Add with broadcasting: 1 per output element',
    {
      nodes: [node('Add', ['x', 'b'], ['y'])],
      inputs: [x([2, 3, 4])],
      initializers: [weight('b', [4])],
      want: 24,
    },
  ],
  [
    'Softmax: 5 per element',
    { nodes: [node('Softmax', ['x'], ['y'])], inputs: [x([2, 5])], want: 50 },
  ],
  [
    'ReduceMean over dim 1: inputs + outputs',
    { nodes: [node('ReduceMean', ['x'], ['y'], { axes: [1] })], inputs: [x([2, 6])], want: 14 },
  ],
  [
    'MaxPool 2×2 stride 2 on 4×4: outputs·window',
    {
      nodes: [node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], strides: [2, 2] })],
      inputs: [x([1, 1, 4, 4])],
      want: 16,
    },
  ],
  [
    'AveragePool adds a divide per output',
    {
      nodes: [node('AveragePool', ['x'], ['y'], { kernel_shape: [2, 2], strides: [2, 2] })],
      inputs: [x([1, 1, 4, 4])],
      want: 20,
    },
  ],
  [
    'GlobalAveragePool [1,2,3,3]: inputs + outputs',
    { nodes: [node('GlobalAveragePool', ['x'], ['y'])], inputs: [x([1, 2, 3, 3])], want: 20 },
  ],
  [
    'Resize linear ×2 on H, W: (2·2²−1) per output',
    {
      nodes: [node('Resize', ['x', '', 'sc'], ['y'], { mode: 'linear' })],
      inputs: [x([1, 1, 2, 2])],
      initializers: [floats('sc', [1, 1, 2, 2])],
      want: 16 * 7,
    },
  ],
  [
    'Resize nearest: a copy',
    {
      nodes: [node('Resize', ['x', '', 'sc'], ['y'])],
      inputs: [x([1, 1, 2, 2])],
      initializers: [floats('sc', [1, 1, 2, 2])],
      want: 0,
    },
  ],
  [
    'Slice, Pad, Transpose, Concat: data movement',
    {
      nodes: [
        node('Slice', ['x', 'st', 'en'], ['s']),
        node('Pad', ['s', 'p'], ['q']),
        node('Transpose', ['q'], ['t']),
        node('Concat', ['t', 't'], ['y'], { axis: 0 }),
      ],
      inputs: [x([4, 4])],
      initializers: [int64s('st', [0, 0]), int64s('en', [2, 4]), int64s('p', [0, 1, 0, 1])],
      want: 0,
    },
  ],
  [
    'LSTM T=3 B=2 I=4 H=5 + bias: 3·(2·2·9·20 + 2·2·20 + 2·5·23)',
    {
      nodes: [node('LSTM', ['x', 'W', 'R', 'B'], ['y', 'yh', 'yc'], { hidden_size: 5 })],
      inputs: [x([3, 2, 4])],
      initializers: [weight('W', [1, 20, 4]), weight('R', [1, 20, 5]), weight('B', [1, 40])],
      want: 3 * (720 + 80 + 230),
    },
  ],
  [
    'GRU bidirectional T=2 B=1 I=3 H=2, no bias: 2·2·(2·1·5·6 + 1·2·15)',
    {
      nodes: [node('GRU', ['x', 'W', 'R'], ['y'], { hidden_size: 2, direction: 'bidirectional' })],
      inputs: [x([2, 1, 3])],
      initializers: [weight('W', [2, 6, 3]), weight('R', [2, 6, 2])],
      want: 2 * 2 * (60 + 30),
    },
  ],
  [
    'Einsum bij,bjk->bik: 2·b·i·j·k',
    {
      nodes: [node('Einsum', ['x', 'k'], ['y'], { equation: 'bij,bjk->bik' })],
      inputs: [x([2, 3, 4]), value('k', [2, 4, 5])],
      want: 2 * 2 * 3 * 4 * 5,
    },
  ],
];

describe('forward FLOPs per op family (hand-computed)', () => {
  it.each(ROWS)('%s', (_, row) => expect(flops(row)).toBe(row.want));
});
