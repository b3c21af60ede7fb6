/**
 * Multi-token prediction (DeepSeek-V3 technical report, arXiv 2412.19437 §2.2; Megatron-LM
 * megatron/core/transformer/multi_token_prediction.py MultiTokenPredictionLayer and
 * process_mtp_loss): depth d normalises the embedding of the tokens shifted by d (enorm) and the
 * previous depth's hidden state (hnorm), projects their concatenation 2h → h (eh_proj, a
 * column-parallel linear), runs one transformer layer (graph/build.ts adds it as layer L + d),
 * then the final norm, the output head shared with the main model (no parameters of its own) and
 * a cross-entropy loss. These are the ops around that layer.
 */
import type { TransformerSpec } from '../model-spec/index.js';
import { FLOPS_PER_ELEMENT, elementwise, gemm, normOp } from './ops.js';
import type { OpNode } from './types.js';

/** Ops of MTP depth `depth` before its transformer layer: enorm, hnorm, eh_proj. */
export function mtpInputOps(spec: TransformerSpec, s: number, depth: number): OpNode[] {
  const h = spec.hiddenSize;
  const prefix = `mtp${depth}`;
  const projection = gemm(
    { id: `${prefix}.eh-proj`, kind: 'qkv-proj', layerIndex: null, tensorParallel: 'column' },
    { m: s, n: h, k: 2 * h, batch: 1 },
    2 * h * h,
  );
  return [
    normOp(spec, s, `${prefix}.enorm`, null),
    normOp(spec, s, `${prefix}.hnorm`, null),
    projection,
  ];
}

/**
 * Ops of MTP depth `depth` after its transformer layer: final norm, the shared output head
 * (2·s·h·V FLOPs, 0 parameters: Megatron passes the main output layer's weight) and the loss.
 */
export function mtpOutputOps(spec: TransformerSpec, s: number, depth: number): OpNode[] {
  const { hiddenSize: h, vocabSize: V } = spec;
  const prefix = `mtp${depth}`;
  return [
    normOp(spec, s, `${prefix}.final-norm`, null),
    gemm(
      { id: `${prefix}.lm-head`, kind: 'lm-head', layerIndex: null, tensorParallel: 'vocab' },
      { m: s, n: V, k: h, batch: 1 },
      0,
    ),
    elementwise(
      { id: `${prefix}.loss`, kind: 'loss', layerIndex: null, tensorParallel: 'vocab' },
      s * V,
      FLOPS_PER_ELEMENT.crossEntropy,
      2 * s * V,
    ),
  ];
}
