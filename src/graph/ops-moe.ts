/**
 * Per-op formulas of mixture-of-experts MLPs and multi-head latent attention, for ONE sequence of
 * s tokens (pure; the notation of ops.ts). Routed-expert GEMMs are counted for the tokens that
 * reach them: every token visits k experts, so one projection costs 2·(s·k)·h·f_e FLOPs, laid
 * out as E expert GEMMs of s·k/E rows each (balanced routing; imbalance is priced by the cost
 * model). Shared experts see every token, exactly like a dense MLP of their width.
 */
import type { MlaSpec, MoeSpec, TransformerSpec } from '../model-spec/index.js';
import type { OpKind, OpNode, TensorParallelSplit } from './types.js';
import type { OpParts } from './ops.js';
import { FLOPS_PER_ELEMENT, elementwise, gemm, mlpBlockOps } from './ops.js';

const at =
  (layer: number, prefix: string) =>
  (kind: OpKind, tensorParallel: TensorParallelSplit, name: string = kind): OpParts => ({
    id: `layer${layer}.${prefix}${name}`,
    kind,
    layerIndex: layer,
    tensorParallel,
  });

/**
 * Routed experts of one MoE layer: router GEMM h → E (Megatron TopKRouter: a replicated weight,
 * run on the sequence-parallel shard), permutation (read s·h, write s·k·h), expert up (+ gate) and
 * down GEMMs over s·k token rows, the activation, and un-permutation (read s·k·h, write s·h).
 * @see Fedus et al. 2022 "Switch Transformers" §2.1; Megatron-Core MoE (arXiv 2603.07685) §3
 */
export function routedExpertOps(
  spec: TransformerSpec,
  moe: MoeSpec,
  s: number,
  layer: number,
): OpNode[] {
  const { hiddenSize: h } = spec;
  const { numExperts: e, topK: k, expertFfnHiddenSize: f } = moe;
  const rows = s * k;
  const experts = { tokens: rows, width: f, groups: e };
  return [
    gemm(at(layer, '')('router', 'replicated'), { m: s, n: e, k: h, batch: 1 }, h * e),
    // Fused permute (TE moe_permute): reads the s·h input once, writes its s·k rows.
    elementwise(at(layer, '')('moe-permute', 'expert'), rows * h, 0, s * h + rows * h),
    ...mlpBlockOps(spec, experts, at(layer, 'experts.'), ['expert', 'expert']),
    // Weighted sum of each token's k expert outputs: reads s·k·h, writes s·h (2 FLOPs/element).
    elementwise(at(layer, '')('moe-unpermute', 'expert'), rows * h, 2, rows * h + s * h),
  ];
}

/** Shared experts of one MoE layer: a dense (TP-split) MLP of count × width, every token. */
export function sharedExpertOps(
  spec: TransformerSpec,
  moe: MoeSpec,
  s: number,
  layer: number,
): OpNode[] {
  if (moe.numSharedExperts === 0) return [];
  const f = moe.numSharedExperts * moe.sharedExpertFfnHiddenSize;
  const shared = { tokens: s, width: f, groups: 1 };
  return mlpBlockOps(spec, shared, at(layer, 'shared.'), ['column', 'row']);
}

/**
 * Multi-head latent attention of one layer (DeepSeek-V2 §2.1.2–2.1.3, HF modeling_deepseek_v3
 * DeepseekV3Attention): query down (h → q_lora, replicated as Megatron's linear_q_down_proj) and
 * its RMSNorm, query up (q_lora → a·(dn + dr), column-parallel) — or one h → a·(dn + dr)
 * projection when qLoraRank = 0 —, KV down (h → kv_lora + dr, replicated) and its RMSNorm, KV up
 * (kv_lora → a·(dn + dv), column-parallel), scores with QK dim dn + dr, context with V dim dv,
 * output projection a·dv → h (row-parallel). Training decompresses K and V (no weight absorption).
 */
export function mlaAttentionOps(
  spec: TransformerSpec,
  mla: MlaSpec,
  s: number,
  layer: number,
): OpNode[] {
  const { hiddenSize: h, numHeads: a } = spec;
  const {
    qLoraRank: qr,
    kvLoraRank: kvr,
    qkNopeHeadDim: dn,
    qkRopeHeadDim: dr,
    vHeadDim: dv,
  } = mla;
  const part = at(layer, 'mla.');
  const dqk = dn + dr;
  const ops: OpNode[] = [];
  const latentNorm = (name: string, width: number): OpNode =>
    elementwise(
      part('norm', 'replicated', name),
      s * width,
      FLOPS_PER_ELEMENT.rmsnorm,
      2 * s * width,
      width,
    );
  if (qr > 0) {
    ops.push(
      gemm(part('qkv-proj', 'replicated', 'q-down'), { m: s, n: qr, k: h, batch: 1 }, h * qr),
    );
    ops.push(latentNorm('q-norm', qr));
    ops.push(
      gemm(part('qkv-proj', 'column', 'q-up'), { m: s, n: a * dqk, k: qr, batch: 1 }, qr * a * dqk),
    );
  } else {
    ops.push(
      gemm(part('qkv-proj', 'column', 'q'), { m: s, n: a * dqk, k: h, batch: 1 }, h * a * dqk),
    );
  }
  ops.push(
    gemm(
      part('qkv-proj', 'replicated', 'kv-down'),
      { m: s, n: kvr + dr, k: h, batch: 1 },
      h * (kvr + dr),
    ),
  );
  ops.push(latentNorm('kv-norm', kvr));
  ops.push(
    gemm(
      part('qkv-proj', 'column', 'kv-up'),
      { m: s, n: a * (dn + dv), k: kvr, batch: 1 },
      kvr * a * (dn + dv),
    ),
  );
  ops.push(gemm(part('attention-scores', 'heads'), { m: s, n: s, k: dqk, batch: a }, 0));
  ops.push(
    elementwise(
      part('attention-softmax', 'heads'),
      a * s * s,
      FLOPS_PER_ELEMENT.softmax,
      2 * a * s * s,
    ),
  );
  ops.push(gemm(part('attention-context', 'heads'), { m: s, n: dv, k: s, batch: a }, 0));
  ops.push(gemm(part('out-proj', 'row'), { m: s, n: h, k: a * dv, batch: 1 }, a * dv * h));
  return ops;
}
