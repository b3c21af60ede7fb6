/**
 * The three sample ONNX models of issue #4, written programmatically (weights as dims only, or
 * zero-filled for the committed examples): a 2-layer MLP, a small
 * residual CNN, and a tiny single-block transformer (4 heads). Shared by the tests and by
 * generate-examples.ts, which writes them to examples/onnx/.
 */
import { ONNX_DATA_TYPE } from '../../src/graph/onnx/index.js';
import { encodeModel, int64s, node, value, weight, type WeightData } from './builders.js';

/** MLP: x[32, 784] → MatMul W1[784, 256] → Add b1[256] → Relu → MatMul W2[256, 10]. */
export function mlpModel(data: WeightData = 'none'): Uint8Array {
  return encodeModel({
    name: 'mlp',
    inputs: [value('x', [32, 784])],
    outputs: [value('logits', [32, 10])],
    initializers: [
      weight('w1', [784, 256], undefined, data),
      weight('b1', [256], undefined, data),
      weight('w2', [256, 10], undefined, data),
    ],
    nodes: [
      node('MatMul', ['x', 'w1'], ['h_pre']),
      node('Add', ['h_pre', 'b1'], ['h_bias']),
      node('Relu', ['h_bias'], ['h']),
      node('MatMul', ['h', 'w2'], ['logits']),
    ],
  });
}

/**
 * CNN: image[N, 3, 32, 32] (N symbolic) → Conv 3→16 (3×3, pad 1) → Relu → Conv 16→16 → Add
 * (residual) → GlobalAveragePool → Flatten → Gemm (transB, fc_w[10, 16], fc_b[10]).
 */
export function cnnModel(data: WeightData = 'none'): Uint8Array {
  const conv = { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], group: 1 };
  return encodeModel({
    name: 'cnn',
    inputs: [value('image', ['N', 3, 32, 32])],
    outputs: [value('logits', ['N', 10])],
    initializers: [
      weight('conv1_w', [16, 3, 3, 3], undefined, data),
      weight('conv1_b', [16], undefined, data),
      weight('conv2_w', [16, 16, 3, 3], undefined, data),
      weight('fc_w', [10, 16], undefined, data),
      weight('fc_b', [10], undefined, data),
    ],
    nodes: [
      node('Conv', ['image', 'conv1_w', 'conv1_b'], ['c1'], conv),
      node('Relu', ['c1'], ['a1']),
      node('Conv', ['a1', 'conv2_w'], ['c2'], conv),
      node('Add', ['c2', 'a1'], ['res']),
      node('GlobalAveragePool', ['res'], ['pooled']),
      node('Flatten', ['pooled'], ['flat'], { axis: 1 }),
      node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], { transB: 1, alpha: { float: 1 } }),
    ],
  });
}

/** Transformer dims: vocabulary, hidden, heads, head dim. */
export const TINY = { vocab: 100, hidden: 64, heads: 4, headDim: 16 } as const;

/**
 * One attention block: ids[batch, seq] → Gather emb[100, 64] → LayerNormalization → q/k/v
 * MatMuls → Reshape to heads → Transpose → MatMul scores → Mul 1/√d → Softmax → MatMul context →
 * Transpose → Reshape → MatMul out-proj → Add residual. `batch` and `seq` are symbolic.
 */
export function transformerModel(data: WeightData = 'none'): Uint8Array {
  const { vocab, hidden, heads, headDim } = TINY;
  const split = (x: string): object[] => [
    node('Reshape', [x, 'heads_shape'], [`${x}_heads`]),
    node('Transpose', [`${x}_heads`], [`${x}_t`], {
      perm: x === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3],
    }),
  ];
  return encodeModel({
    name: 'tiny-transformer',
    inputs: [value('input_ids', ['batch', 'seq'], ONNX_DATA_TYPE.INT64)],
    outputs: [value('out', ['batch', 'seq', hidden])],
    valueInfo: [value('scores', ['batch', heads, 'seq', 'seq'])],
    initializers: [
      weight('emb', [vocab, hidden], undefined, data),
      weight('ln_scale', [hidden], undefined, data),
      weight('ln_bias', [hidden], undefined, data),
      ...['wq', 'wk', 'wv', 'wo'].map((w) => weight(w, [hidden, hidden], undefined, data)),
      int64s('heads_shape', [0, 0, heads, headDim], true),
      int64s('merge_shape', [0, 0, hidden]),
      { name: 'inv_sqrt_d', dims: [], data_type: ONNX_DATA_TYPE.FLOAT, float_data: [0.25] },
    ],
    nodes: [
      node('Gather', ['emb', 'input_ids'], ['h'], { axis: 0 }),
      node('LayerNormalization', ['h', 'ln_scale', 'ln_bias'], ['x'], {
        axis: -1,
        epsilon: { float: 1e-5 },
      }),
      node('MatMul', ['x', 'wq'], ['q']),
      node('MatMul', ['x', 'wk'], ['k']),
      node('MatMul', ['x', 'wv'], ['v']),
      ...split('q'),
      ...split('k'),
      ...split('v'),
      node('MatMul', ['q_t', 'k_t'], ['scores_raw']),
      node('Mul', ['scores_raw', 'inv_sqrt_d'], ['scores']),
      node('Softmax', ['scores'], ['probs'], { axis: -1 }),
      node('MatMul', ['probs', 'v_t'], ['context_heads']),
      node('Transpose', ['context_heads'], ['context_t'], { perm: [0, 2, 1, 3] }),
      node('Reshape', ['context_t', 'merge_shape'], ['context']),
      node('MatMul', ['context', 'wo'], ['attn']),
      node('Add', ['h', 'attn'], ['out']),
    ],
  });
}
