/**
 * Per-op formulas of the layered transformer graph, for ONE sequence of s tokens (pure).
 *
 * Notation: s sequence length, h hidden size, a query heads, g KV heads, d head dim, f FFN hidden
 * size, V vocabulary. GEMM FLOPs are 2·m·n·k (one multiply-add = 2 FLOPs; Narayanan et al. 2021
 * §5.1 / eq. 3). Bias adds are fused into the GEMM epilogue and not counted, so a GPT layer's GEMM
 * FLOPs are exactly 24·s·h² + 4·s²·h (Narayanan et al. 2021, eq. 3, forward = 1/3 of 72Bslh²(1 +
 * s/6h) per layer and sequence). Memory-bound ops move 16-bit activations (2 bytes/element).
 */
import type { MatmulShape, OpKind, OpNode, TensorParallelSplit } from './types.js';
import type { TransformerSpec } from '../model-spec/index.js';

/** bf16/fp16 activation element size. */
export const ACTIVATION_BYTES_PER_ELEMENT = 2;

/**
 * Elementwise FLOPs per element, counted operation by operation (no external source; together
 * < 1% of a layer's FLOPs for h ≥ 1024, so the exact values barely matter):
 *  layernorm 8 = mean (1) + variance (sub, square, add = 3) + normalise (sub, mul = 2) + affine (2);
 *  rmsnorm 4 = square + add + scale + weight mul;  softmax 5 = max, sub, exp, sum, divide;
 *  gelu 8 = tanh approximation (x³, mul, add, mul, tanh, add, mul, mul);
 *  swiglu 6 = sigmoid (neg, exp, add, div = 4) + mul by x + mul by up;  residual add 1;
 *  cross-entropy 6 = softmax (5) + log-likelihood pick (1).
 */
export const FLOPS_PER_ELEMENT = {
  layernorm: 8,
  rmsnorm: 4,
  softmax: 5,
  gelu: 8,
  swiglu: 6,
  add: 1,
  crossEntropy: 6,
} as const;

export interface OpParts {
  readonly id: string;
  readonly kind: OpKind;
  readonly layerIndex: number | null;
  readonly tensorParallel: TensorParallelSplit;
}

export function gemm(parts: OpParts, shape: MatmulShape, parameterCount: number): OpNode {
  const { m, n, k, batch } = shape;
  return {
    ...parts,
    // 2·m·n·k FLOPs per GEMM (Narayanan et al. 2021, §5.1).
    forwardFlops: 2 * m * n * k * batch,
    matmul: shape,
    // Operand traffic (A, B, C once each); informative only, GEMMs are timed by FLOPs.
    forwardMemoryBytes: (m * k + k * n + m * n) * batch * ACTIVATION_BYTES_PER_ELEMENT,
    parameterCount,
  };
}

export function elementwise(
  parts: OpParts,
  elements: number,
  flopsPerElement: number,
  elementsMoved: number,
  parameterCount = 0,
): OpNode {
  return {
    ...parts,
    forwardFlops: flopsPerElement * elements,
    matmul: null,
    forwardMemoryBytes: elementsMoved * ACTIVATION_BYTES_PER_ELEMENT,
    parameterCount,
  };
}

/** Norm weights: layernorm has scale and shift (2h), RMSNorm scale only (h). */
export function normParameterCount(spec: TransformerSpec): number {
  return spec.norm === 'layernorm' ? 2 * spec.hiddenSize : spec.hiddenSize;
}

/** Token (+ learned position) lookup: V·h (+ P·h) parameters, gathers s rows, writes s·h. */
export function embeddingOp(spec: TransformerSpec, s: number): OpNode {
  const h = spec.hiddenSize;
  const learned = spec.positionEmbedding === 'learned';
  const positionParameters = learned ? spec.maxPositionEmbeddings * h : 0;
  const parts: OpParts = {
    id: 'embedding',
    kind: 'embedding',
    layerIndex: null,
    tensorParallel: 'vocab',
  };
  // Reads s token rows (+ s position rows) and writes s·h; the position add is 1 FLOP/element.
  const moved = (learned ? 3 : 2) * s * h;
  return elementwise(
    parts,
    s * h,
    learned ? FLOPS_PER_ELEMENT.add : 0,
    moved,
    spec.vocabSize * h + positionParameters,
  );
}

/** LayerNorm/RMSNorm over s·h: reads and writes s·h. */
export function normOp(
  spec: TransformerSpec,
  s: number,
  id: string,
  layerIndex: number | null,
): OpNode {
  const perElement =
    spec.norm === 'layernorm' ? FLOPS_PER_ELEMENT.layernorm : FLOPS_PER_ELEMENT.rmsnorm;
  const parts: OpParts = { id, kind: 'norm', layerIndex, tensorParallel: 'replicated' };
  return elementwise(
    parts,
    s * spec.hiddenSize,
    perElement,
    2 * s * spec.hiddenSize,
    normParameterCount(spec),
  );
}

/** Residual add of two s·h tensors: reads 2·s·h, writes s·h. */
export function residualAddOp(
  spec: TransformerSpec,
  s: number,
  id: string,
  layerIndex: number,
): OpNode {
  const parts: OpParts = { id, kind: 'residual-add', layerIndex, tensorParallel: 'replicated' };
  return elementwise(parts, s * spec.hiddenSize, FLOPS_PER_ELEMENT.add, 3 * s * spec.hiddenSize);
}

/**
 * Attention block ops of one layer: fused QKV projection (GQA: n = (a + 2g)·d; HF
 * modeling_llama.py q/k/v_proj), scores Q·Kᵀ and context P·V (each 2·s²·d·a, full non-causal as in
 * Narayanan eq. 3's s/6h term), softmax over a·s² scores, output projection (k = a·d, n = h).
 */
export function attentionOps(spec: TransformerSpec, s: number, layer: number): OpNode[] {
  const { hiddenSize: h, numHeads: a, numKvHeads: g, headDim: d, linearBias } = spec;
  const id = (name: string): string => `layer${layer}.${name}`;
  const qkvWidth = (a + 2 * g) * d;
  const at = (kind: OpKind, tensorParallel: TensorParallelSplit): OpParts => ({
    id: id(kind),
    kind,
    layerIndex: layer,
    tensorParallel,
  });
  return [
    gemm(
      at('qkv-proj', 'column'),
      { m: s, n: qkvWidth, k: h, batch: 1 },
      h * qkvWidth + (linearBias ? qkvWidth : 0),
    ),
    gemm(at('attention-scores', 'heads'), { m: s, n: s, k: d, batch: a }, 0),
    // Softmax reads and writes the a·s² score matrix (unfused; flash attention would not).
    elementwise(
      at('attention-softmax', 'heads'),
      a * s * s,
      FLOPS_PER_ELEMENT.softmax,
      2 * a * s * s,
    ),
    gemm(at('attention-context', 'heads'), { m: s, n: d, k: s, batch: a }, 0),
    gemm(
      at('out-proj', 'row'),
      { m: s, n: h, k: a * d, batch: 1 },
      a * d * h + (linearBias ? h : 0),
    ),
  ];
}

/**
 * MLP ops of one layer: up (h→f), gate (h→f, gated MLPs only; HF modeling_llama.py LlamaMLP),
 * activation (GeLU, or SiLU(gate)·up), down (f→h). 2·s·h·f FLOPs per projection.
 */
export function mlpOps(spec: TransformerSpec, s: number, layer: number): OpNode[] {
  const at = (kind: OpKind, tensorParallel: TensorParallelSplit): OpParts => ({
    id: `layer${layer}.${kind}`,
    kind,
    layerIndex: layer,
    tensorParallel,
  });
  return mlpBlockOps(spec, { tokens: s, width: spec.ffnHiddenSize, groups: 1 }, at, [
    'column',
    'row',
  ]);
}

/** The rows, width and weight copies of one MLP block (a dense MLP, shared or routed experts). */
export interface MlpBlockShape {
  /** Token rows entering the block (s·k for routed experts). */
  readonly tokens: number;
  /** Hidden width f of each copy. */
  readonly width: number;
  /** Independent weight copies that split the rows evenly: 1, or the expert count. */
  readonly groups: number;
}

/**
 * Up (h→f), gate (h→f, gated MLPs only), activation (GeLU, or SiLU(gate)·up) and down (f→h) of
 * one MLP block, every copy's weights counted; `part` names each op, `splits` gives the TP split
 * of the up/gate/activation ops and of the down op. The dense MLP and both kinds of experts are
 * this block with other shapes.
 */
export function mlpBlockOps(
  spec: TransformerSpec,
  { tokens, width: f, groups: g }: MlpBlockShape,
  part: (kind: OpKind, tensorParallel: TensorParallelSplit) => OpParts,
  [inSplit, outSplit]: readonly [TensorParallelSplit, TensorParallelSplit],
): OpNode[] {
  const { hiddenSize: h, linearBias, gatedMlp } = spec;
  const projection = g * (h * f + (linearBias ? f : 0));
  const upShape = { m: tokens / g, n: f, k: h, batch: g };
  const ops = [gemm(part('mlp-up', inSplit), upShape, projection)];
  if (gatedMlp) ops.push(gemm(part('mlp-gate', inSplit), upShape, projection));
  // Activation reads f (or 2f: gate and up) per token and writes f.
  const moved = (gatedMlp ? 3 : 2) * tokens * f;
  const perElement = gatedMlp ? FLOPS_PER_ELEMENT.swiglu : FLOPS_PER_ELEMENT.gelu;
  ops.push(elementwise(part('mlp-activation', inSplit), tokens * f, perElement, moved));
  const downShape = { m: tokens / g, n: h, k: f, batch: g };
  ops.push(gemm(part('mlp-down', outSplit), downShape, g * (f * h + (linearBias ? h : 0))));
  return ops;
}

/** LM head (h→V, 2·s·h·V FLOPs; Narayanan eq. 3's V/16lh term) and cross-entropy over s·V logits. */
export function headOps(spec: TransformerSpec, s: number): OpNode[] {
  const { hiddenSize: h, vocabSize: V } = spec;
  const lmHead: OpParts = {
    id: 'lm-head',
    kind: 'lm-head',
    layerIndex: null,
    tensorParallel: 'vocab',
  };
  const loss: OpParts = { id: 'loss', kind: 'loss', layerIndex: null, tensorParallel: 'vocab' };
  return [
    gemm(lmHead, { m: s, n: V, k: h, batch: 1 }, spec.tiedEmbeddings ? 0 : V * h),
    elementwise(loss, s * V, FLOPS_PER_ELEMENT.crossEntropy, 2 * s * V),
  ];
}
