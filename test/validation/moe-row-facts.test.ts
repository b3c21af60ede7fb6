/**
 * The MoE / long-context validation mapper's reading of its rows (scripts/validation/
 * moe-row-facts.ts): routing words, dispatcher, recipe settings the tables leave blank, and step
 * time from TFLOPS under the source's stated FLOP count (hand-computed).
 */
import { describe, expect, it } from 'vitest';
import { buildModelGraph } from '../../src/graph/index.js';
import {
  attentionFlopConvention,
  dispatcher,
  recipeExpertParallel,
  recipeFsdpParameterDtype,
  recipeLayersPerChunk,
  recipeMicroBatchSize,
  recipeMtpLayers,
  recipeRecompute,
  routing,
  tflopsStepSeconds,
} from '../../scripts/validation/moe-row-facts.js';
import type { MoeRow } from '../../scripts/validation/moe-runs.js';
import { moeRowSpec } from '../../scripts/validation/moe-runs.js';

const row = (over: Partial<MoeRow>): MoeRow => ({
  id: 'test',
  source_group: 'Megatron-MoE-ModelZoo',
  category: 'moe',
  model: 'Test',
  num_layers: 2,
  hidden_size: 1024,
  num_attention_heads: 8,
  num_kv_heads: 8,
  attention_notes: null,
  ffn_hidden_size: 2048,
  num_experts: null,
  top_k: null,
  shared_experts: null,
  expert_ffn_hidden_size: null,
  vocab_size: 32000,
  seq_len: 4096,
  global_batch_size: 64,
  micro_batch_size: 1,
  gpu_type: 'H100-80GB',
  num_gpus: 16,
  tp: 1,
  pp: 1,
  vp: null,
  cp: 1,
  ep: null,
  etp: null,
  dp: 16,
  zero_or_fsdp: null,
  recompute: null,
  precision: 'BF16',
  dispatcher: null,
  a2a_overlap: null,
  routing: null,
  step_time_s: null,
  tokens_per_s_per_gpu: null,
  status: 'ok',
  metric_notes: null,
  tflops_per_gpu: 400,
  flop_counting: null,
  notes: null,
  ...over,
});

describe('routing words', () => {
  it('reads forced balance, token drop and the real router apart', () => {
    expect(routing('forced balance (--moe-router-force-load-balancing)')).toBe('forced-balance');
    expect(routing('force-balanced routing, token-dropless (footnote)')).toBe('forced-balance');
    expect(routing('fake_balanced_gate: true in the benchmark YAMLs')).toBe('forced-balance');
    expect(routing('dropless, real router (no forced balance)')).toBe('dropless');
    expect(routing('not stated (table row has no force-balance note)')).toBe('dropless');
    expect(routing("token-drop (label '(tokendrop)')")).toBe('capacity');
    expect(routing('token-drop, capacity factor 1.0, pad to capacity')).toBe('capacity');
    expect(routing(null)).toBe('dropless');
  });
});

describe('recipe facts', () => {
  const autoModel = { source_group: 'NeMo AutoModel performance summary' };
  it('AutoModel rows that list DeepEP but print no EP run EP over the whole job', () => {
    const r = row({
      ...autoModel,
      num_experts: 128,
      top_k: 4,
      num_gpus: 64,
      metric_notes: 'kernel optimizations: TE + DeepEP + FlexAttn',
    });
    expect(recipeExpertParallel(r)).toBe(64);
    expect(dispatcher(r)).toBe('deepep');
    expect(recipeExpertParallel({ ...r, ep: 8 })).toBe(8);
    expect(recipeExpertParallel({ ...r, metric_notes: 'kernel optimizations: TE' })).toBeNull();
  });
  it('recompute left blank takes the recipe’s', () => {
    const bridge = { source_group: 'Megatron-Bridge / NeMo performance summary' };
    expect(recipeRecompute(row({ ...bridge, model: 'DeepSeek-V3' }))).toMatch(/^mla_up_proj/);
    expect(recipeRecompute(row({ ...bridge, model: 'GPT-OSS-120B' }))).toMatch(
      /^layernorm, moe_act/,
    );
    expect(recipeRecompute(row({ ...autoModel, model: 'Llama3-70B' }))).toMatch(/^full/);
    expect(recipeRecompute(row({ ...bridge, model: 'DeepSeek-V3', recompute: 'none' }))).toBe(
      'none',
    );
    expect(recipeRecompute(row({ model: 'Qwen3-235B-A22B' }))).toBeNull();
  });
});

describe('Megatron-Bridge DeepSeek-V3 recipe: MTP and pipeline layout', () => {
  const bridge = { source_group: 'Megatron-Bridge / NeMo performance summary' };
  const ds = row({ ...bridge, model: 'DeepSeek-V3' });
  it('trains one MTP depth unless the table says w/o MTP', () => {
    expect(recipeMtpLayers(ds)).toBe(1);
    expect(recipeMtpLayers({ ...ds, notes: 'w/o MTP. Same table: …' })).toBe(0);
    expect(recipeMtpLayers(row({ model: 'DeepSeek-V3' }))).toBe(0);
    expect(recipeMtpLayers(row({ ...bridge, model: 'Qwen3-235B-A22B' }))).toBe(0);
  });
  it('splits the 61 layers as the recipe’s layout map does', () => {
    const total = (split: number[] | null): number => (split ?? []).reduce((a, b) => a + b, 0);
    for (const chunks of [4, 8, 16, 32]) expect(total(recipeLayersPerChunk(ds, chunks))).toBe(61);
    expect(recipeLayersPerChunk(ds, 16)).toEqual([...Array<number>(15).fill(4), 1]);
    expect(recipeLayersPerChunk(ds, 32)?.slice(0, 2)).toEqual([1, 2]);
    expect(recipeLayersPerChunk(ds, 32)?.at(-1)).toBe(0);
    expect(recipeLayersPerChunk(ds, 2)).toBeNull();
    expect(recipeLayersPerChunk(row({ model: 'DeepSeek-V3' }), 16)).toBeNull();
  });
});

describe('AutoModel FSDP2 resident dtype', () => {
  it('MoE benchmarks keep bf16 parameters and Adam moments; the rest fp32', () => {
    const autoModel = { source_group: 'NeMo AutoModel performance summary' };
    expect(recipeFsdpParameterDtype(row({ ...autoModel, num_experts: 256 }))).toBe('bf16');
    expect(recipeFsdpParameterDtype(row({ ...autoModel, model: 'Llama3-70B' }))).toBe('fp32');
    expect(recipeFsdpParameterDtype(row({ num_experts: 128 }))).toBe('fp32');
  });
});

describe('Megatron-Bridge GPT-OSS H100 micro-batch', () => {
  it('is the recipe’s 1, not the 25.11 table’s 4 (its GA contradicts it under PP 4)', () => {
    const bridge = { source_group: 'Megatron-Bridge / NeMo performance summary' };
    const h100 = row({ ...bridge, model: 'GPT-OSS-120B', micro_batch_size: 4 });
    expect(recipeMicroBatchSize(h100)).toBe(1);
    expect(recipeMicroBatchSize({ ...h100, gpu_type: 'B200 (DGX-B200, NVL8)' })).toBe(4);
    expect(recipeMicroBatchSize({ ...h100, source_group: 'NeMo AutoModel' })).toBe(4);
  });
});

describe('step time from TFLOPS under the source’s FLOP count', () => {
  const megatron =
    "Megatron-LM logged 'throughput per GPU' (causal attention halved since 2025-03-06)";
  it('takes the convention only where the source states it', () => {
    expect(attentionFlopConvention(row({ flop_counting: megatron }))).toBe('causal');
    expect(
      attentionFlopConvention(
        row({ flop_counting: 'pre-March-2025 formula: attention NOT halved' }),
      ),
    ).toBe('full');
    expect(
      attentionFlopConvention(row({ flop_counting: 'NeMo callback, NOT halved (inferred)' })),
    ).toBeNull();
    expect(
      attentionFlopConvention(
        row({ flop_counting: megatron, notes: 'one of the columns is inconsistent' }),
      ),
    ).toBeNull();
    expect(attentionFlopConvention(row({}))).toBeNull();
  });
  it('3 × forward GEMM FLOPs × GBS / (TFLOP/s · GPUs), attention at s² or s²/2', () => {
    const [s, h, f, v, layers] = [4096, 1024, 2048, 32000, 2];
    // Per layer: Q, K, V, O (4 h×h), gated MLP (3 h×f), attention core 2·2s²h (full).
    const layer = 2 * s * h * 4 * h + 2 * s * h * 3 * f;
    const attentionFull = 4 * s * s * h;
    const head = 2 * s * h * v;
    const full = layers * (layer + attentionFull) + head;
    const causal = layers * (layer + attentionFull / 2) + head;
    const perSecond = 400e12 * 16;
    const causalRow = row({ flop_counting: megatron });
    const spec = moeRowSpec(causalRow);
    if (typeof spec === 'string') throw new Error(spec);
    const graph = buildModelGraph(spec, s);
    expect(tflopsStepSeconds(causalRow, graph)).toBeCloseTo((3 * causal * 64) / perSecond, 9);
    const fullRow = row({ flop_counting: 'attention NOT halved' });
    expect(tflopsStepSeconds(fullRow, graph)).toBeCloseTo((3 * full * 64) / perSecond, 9);
  });
});
