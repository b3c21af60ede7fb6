/**
 * Forward FLOPs of ONNX ops from their shapes, one function per op family. The importer attaches
 * the result to each emitted node (`cost.forwardFlops`); bytes are counted by the context as
 * Σ input bytes + output bytes. Conventions: one multiply-add = 2 FLOPs (Narayanan et al.
 * SC'21, §5.1; Kaplan et al. 2020, §2.1); an element-wise op costs a small per-element
 * constant (below), the same derivation as costmodel/operator-cost.ts so an imported op costs
 * what its operator-graph kind would. Data movement (Reshape, Transpose, Slice, Pad, Concat,
 * Gather, Expand, nearest Resize) costs 0 FLOPs: it is priced by its bytes.
 * Semantics of every op: the ONNX operator specs, https://onnx.ai/onnx/operators/.
 */

/** FLOPs per multiply-add. */
export const FLOPS_PER_MULTIPLY_ADD = 2;
/** Normalisations per element: mean, variance, subtract, scale, shift (as costmodel NORM). */
export const NORM_FLOPS_PER_ELEMENT = 5;
/** Softmax per element: max, subtract, exp, sum, divide (as costmodel SOFTMAX). */
export const SOFTMAX_FLOPS_PER_ELEMENT = 5;
/** Sigmoid 1/(1 + e^−x): exp, add, divide. SiLU adds a multiply (costmodel SILU = 4). */
const SIGMOID = 3;
/** tanh(x) = 2·sigmoid(2x) − 1: a sigmoid plus two multiplies/subtracts. */
const TANH = 5;
/** GELU, tanh approximation: ~8 multiply/add/tanh (costmodel GELU). */
const GELU = 8;

/**
 * FLOPs per output element of the element-wise ops. 1 = one arithmetic, compare or special
 * function (exp, log, sqrt, erf, pow) per element; composites add their parts:
 * HardSigmoid max(0, min(1, αx + β)) = 4, HardSwish x·HardSigmoid(x) = 5, Clip = 2,
 * LeakyRelu/PRelu (compare, multiply) = 2, Softplus log(1 + e^x) = 3, Elu/Selu = 3/4,
 * Mish x·tanh(softplus x) = 9, Softsign x/(1 + |x|) = 3.
 */
export const ELEMENTWISE_FLOPS_PER_ELEMENT: Readonly<Record<string, number>> = {
  Relu: 1,
  Abs: 1,
  Neg: 1,
  Sign: 1,
  Floor: 1,
  Ceil: 1,
  Round: 1,
  Not: 1,
  Reciprocal: 1,
  Exp: 1,
  Log: 1,
  Sqrt: 1,
  Erf: 1,
  Sin: 1,
  Cos: 1,
  Pow: 1,
  Add: 1,
  Sub: 1,
  Mul: 1,
  Div: 1,
  Mod: 1,
  Max: 1,
  Min: 1,
  Sum: 1,
  Mean: 2,
  Equal: 1,
  Less: 1,
  LessOrEqual: 1,
  Greater: 1,
  GreaterOrEqual: 1,
  And: 1,
  Or: 1,
  Xor: 1,
  Where: 1,
  BitShift: 1,
  IsNaN: 1,
  IsInf: 1,
  Clip: 2,
  LeakyRelu: 2,
  PRelu: 2,
  ThresholdedRelu: 2,
  Shrink: 2,
  Trilu: 1,
  CumSum: 1,
  HardSigmoid: 4,
  HardSwish: 5,
  Sigmoid: SIGMOID,
  Silu: SIGMOID + 1,
  Swish: SIGMOID + 1,
  Tanh: TANH,
  Gelu: GELU,
  FastGelu: GELU,
  BiasGelu: GELU + 1,
  QuickGelu: SIGMOID + 2,
  Softplus: 3,
  Softsign: 3,
  Elu: 3,
  Celu: 3,
  Selu: 4,
  Mish: 3 + TANH + 1,
};

/**
 * GEMM: 2·batch·m·k·n, + batch·m·n when a bias is added (ONNX MatMul/Gemm).
 * @see https://onnx.ai/onnx/operators/onnx__Gemm.html
 * @see Narayanan et al., SC'21, "Efficient Large-Scale Language Model Training on GPU Clusters", §5.1
 */
export function gemmFlops(batch: number, m: number, k: number, n: number, bias = false): number {
  return FLOPS_PER_MULTIPLY_ADD * batch * m * k * n + (bias ? batch * m * n : 0);
}

export interface ConvShape {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly group: number;
  readonly kernel: readonly number[];
  /** Spatial dims of the output (Conv) or of the input (ConvTranspose). */
  readonly spatial: readonly number[];
  readonly bias: boolean;
}

const prod = (xs: readonly number[]): number => xs.reduce((p, x) => p * x, 1);

/**
 * Conv: 2·N·Cout·∏out·(Cin/group)·∏k, + N·Cout·∏out for the bias: each output element is a dot
 * product over its group's Cin/group channels × kernel window. group = Cin is depthwise.
 * @see https://onnx.ai/onnx/operators/onnx__Conv.html
 * @see Molchanov et al., ICLR 2017, "Pruning CNNs for Resource Efficient Inference", §2.3 (FLOPs = 2HW(CinK² + 1)Cout)
 * @see Howard et al. 2017, "MobileNets", §3.1 (depthwise cost Dk·Dk·M·Df·Df)
 */
export function convFlops(c: ConvShape): number {
  const outputs = c.batch * c.outChannels * prod(c.spatial);
  return (
    FLOPS_PER_MULTIPLY_ADD * outputs * (c.inChannels / c.group) * prod(c.kernel) +
    (c.bias ? outputs : 0)
  );
}

/**
 * ConvTranspose: every input element scatters into a Cout/group × kernel window:
 * 2·N·Cin·∏in·(Cout/group)·∏k (+ N·Cout·∏out for the bias, `biasOutputs`). It is the input
 * gradient of the Conv it transposes, so it costs that Conv's FLOPs.
 * @see https://onnx.ai/onnx/operators/onnx__ConvTranspose.html
 * @see Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep learning", §4
 */
export function convTransposeFlops(c: ConvShape, biasOutputs: number): number {
  const inputs = c.batch * c.inChannels * prod(c.spatial);
  return (
    FLOPS_PER_MULTIPLY_ADD * inputs * (c.outChannels / c.group) * prod(c.kernel) +
    (c.bias ? biasOutputs : 0)
  );
}

/** Element-wise op over `outElements` outputs (table above; unknown ops count 1 per element). */
export function elementwiseFlops(opType: string, outElements: number): number {
  return (ELEMENTWISE_FLOPS_PER_ELEMENT[opType] ?? 1) * outElements;
}

/**
 * Reductions: one add/compare per input element; ReduceMean divides each output once more,
 * ReduceL2/LogSumExp/SumSquare add one per input element (square, exp) and one per output.
 * @see https://onnx.ai/onnx/operators/onnx__ReduceMean.html
 */
export function reduceFlops(opType: string, inElements: number, outElements: number): number {
  if (opType === 'ReduceMean') return inElements + outElements;
  if (['ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare', 'ReduceL1'].includes(opType))
    return 2 * inElements + outElements;
  return inElements;
}

/**
 * Pooling: one add/compare per window element per output: N·C·∏out·∏k (AveragePool adds a
 * divide per output); global pooling reads every input element once.
 * @see https://onnx.ai/onnx/operators/onnx__MaxPool.html
 */
export function poolFlops(
  outElements: number,
  kernel: readonly number[],
  average: boolean,
): number {
  return outElements * prod(kernel) + (average ? outElements : 0);
}

/**
 * Resize per output element: nearest copies (0); linear blends 2^r neighbours over r resized
 * axes (2^r multiplies + 2^r − 1 adds); cubic 4^r (2·4^r − 1).
 * @see https://onnx.ai/onnx/operators/onnx__Resize.html
 */
export function resizeFlops(mode: string, resizedAxes: number, outElements: number): number {
  if (mode === 'linear') return (2 * 2 ** resizedAxes - 1) * outElements;
  if (mode === 'cubic') return (2 * 4 ** resizedAxes - 1) * outElements;
  return 0;
}

/** Gates per recurrent cell: LSTM i, o, f, c; GRU z, r, h; RNN one. */
export const RECURRENT_GATES: Readonly<Record<string, number>> = { LSTM: 4, GRU: 3, RNN: 1 };

/**
 * Element-wise FLOPs per hidden unit per step: LSTM 3 sigmoids + 2 tanh + 3 multiplies + 1 add
 * (Ct = ft⊙Ct−1 + it⊙ct, Ht = ot⊙tanh(Ct)) = 23; GRU 2 sigmoids + tanh + r⊙ + (1 − z)⊙ + z⊙ +
 * add = 15; RNN tanh = 5.
 */
export const RECURRENT_CELL_FLOPS: Readonly<Record<string, number>> = {
  LSTM: 3 * SIGMOID + 2 * TANH + 4,
  GRU: 2 * SIGMOID + TANH + 4,
  RNN: TANH,
};

export interface RecurrentShape {
  readonly cell: 'LSTM' | 'GRU' | 'RNN';
  readonly steps: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly directions: number;
  readonly bias: boolean;
}

/**
 * LSTM/GRU/RNN, all steps and directions: per step and direction the gate GEMMs
 * Xt·Wᵀ [B, I]×[I, G·H] and Ht−1·Rᵀ [B, H]×[H, G·H] (2·B·G·H·(I + H)), the two biases
 * Wb + Rb (2·B·G·H) and the cell's element-wise math (B·H·cell).
 * @see https://onnx.ai/onnx/operators/onnx__LSTM.html (equations it = f(Xt·Wiᵀ + Ht−1·Riᵀ + Wbi + Rbi), …)
 */
export function recurrentFlops(r: RecurrentShape): number {
  const gates = RECURRENT_GATES[r.cell] ?? 1;
  const perStep =
    gemmFlops(1, r.batch, r.input + r.hidden, gates * r.hidden) +
    (r.bias ? 2 * r.batch * gates * r.hidden : 0) +
    r.batch * r.hidden * (RECURRENT_CELL_FLOPS[r.cell] ?? 0);
  return r.steps * r.directions * perStep;
}

/**
 * Einsum: every combination of the index values is visited once; with two or more operands
 * each visit is (operands − 1) multiplies plus an add into the output when an index is summed
 * out. One operand: a sum (∏ sizes) or a pure permutation (0).
 * @see https://onnx.ai/onnx/operators/onnx__Einsum.html
 */
export function einsumFlops(
  operands: number,
  indexSizes: readonly number[],
  contracts: boolean,
): number {
  const visits = prod(indexSizes);
  if (operands <= 1) return contracts ? visits : 0;
  return visits * (operands - 1 + (contracts ? 1 : 0));
}
