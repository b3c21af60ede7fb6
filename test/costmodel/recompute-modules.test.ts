/**
 * Megatron --recompute-modules (selective recompute), hand-computed: which activations each
 * module stops keeping, and which ops it re-runs in backward.
 */
import { describe, expect, it } from 'vitest';
import { activationBytesPerLayer } from '../../src/costmodel/index.js';
import type { ActivationShape } from '../../src/costmodel/activations.js';
import { recomputesOp } from '../../src/costmodel/recompute-modules.js';
import { buildModelGraph } from '../../src/graph/index.js';
import type { TransformerSpec } from '../../src/model-spec/index.js';

// h 1024, 8 heads of 128, SwiGLU; every layer MoE: top-2 of 8 experts of width 512 + 1 shared.
const spec: TransformerSpec = {
  name: 'tiny-moe',
  numLayers: 2,
  hiddenSize: 1024,
  numHeads: 8,
  numKvHeads: 8,
  headDim: 128,
  ffnHiddenSize: 4096,
  vocabSize: 32000,
  gatedMlp: true,
  tiedEmbeddings: false,
  positionEmbedding: 'rotary',
  maxPositionEmbeddings: 1024,
  norm: 'rmsnorm',
  linearBias: false,
  moe: {
    numExperts: 8,
    topK: 2,
    expertFfnHiddenSize: 512,
    numSharedExperts: 1,
    sharedExpertFfnHiddenSize: 512,
    firstDenseLayers: 0,
    layerInterval: 1,
  },
};
// b·s = 1,024 tokens on one GPU (tp 1, no SP), flash attention, no dropout.
const shape: ActivationShape = {
  spec,
  sequenceLength: 1024,
  microBatchSize: 1,
  tp: 1,
  sequenceParallel: false,
  recompute: 'selective',
  flashAttention: true,
  dropout: false,
};
const withModules = (modules: ActivationShape['recomputeModules']): number =>
  activationBytesPerLayer({ ...shape, ...(modules ? { recomputeModules: modules } : {}) });
const coreOnly = withModules(['core_attn']);

describe('recompute modules: activations no longer kept, hand-computed', () => {
  it("absent modules mean Megatron's default ['core_attn']", () => {
    expect(withModules(undefined)).toBe(coreOnly);
  });

  it('core_attn drops flash attention’s fp32 log-sum-exp: 4 B · a · sb = 32,768 B', () => {
    expect(activationBytesPerLayer({ ...shape, recompute: 'none' }) - coreOnly).toBe(4 * 8 * 1024);
  });

  it('layernorm drops the two norm outputs: 2 · 2 B · sb · h = 4,194,304 B', () => {
    expect(coreOnly - withModules(['core_attn', 'layernorm'])).toBe(4 * 1024 * 1024);
  });

  it('moe_act drops the experts’ activation output: 2 B · k·sb · f_e = 2,097,152 B', () => {
    expect(coreOnly - withModules(['core_attn', 'moe_act'])).toBe(2 * 2 * 1024 * 512);
  });

  it('shared_experts drops gate, up and product of the shared MLP: 3 · 2 B · sb · 512', () => {
    expect(coreOnly - withModules(['core_attn', 'shared_experts'])).toBe(3 * 2 * 1024 * 512);
  });

  it('moe drops routed rows (2 B·k·sb·(h + 3f_e)), router fp32 logits+probs and shared', () => {
    const routed = 2 * 2 * 1024 * (1024 + 3 * 512);
    const router = 2 * 4 * 1024 * 8;
    const shared = 3 * 2 * 1024 * 512;
    expect(coreOnly - withModules(['core_attn', 'moe'])).toBe(routed + router + shared);
  });

  it('mla_up_proj keeps the latents (q_lora + kv_lora + d_r) instead of Q, K and V', () => {
    const mla = {
      qLoraRank: 256,
      kvLoraRank: 128,
      qkNopeHeadDim: 64,
      qkRopeHeadDim: 32,
      vHeadDim: 64,
    };
    const mlaShape = { ...shape, spec: { ...spec, headDim: 64, mla } };
    const keep = activationBytesPerLayer({ ...mlaShape, recomputeModules: ['core_attn'] });
    const up = activationBytesPerLayer({
      ...mlaShape,
      recomputeModules: ['core_attn', 'mla_up_proj'],
    });
    // Q 8·(64+32) + K,V 2·8·(64+32+64)/2 per token, 2 B; latents 256 + 128 + 32 per token, 2 B.
    const qkv = 2 * 1024 * (8 * 96 + 8 * 160);
    const latents = 2 * 1024 * (256 + 128 + 32);
    expect(keep - up).toBe(qkv - latents);
  });
});

describe('recompute modules: ops re-run in backward', () => {
  const graph = buildModelGraph(spec, 1024);
  const moeOps = graph.moeLayerOps ?? [];
  const rerun = (module: Parameters<typeof recomputesOp>[0]): string[] =>
    moeOps.filter((op) => recomputesOp(module, op)).map((op) => op.kind);

  it('layernorm: the input and pre-MLP norms', () => {
    expect(rerun('layernorm')).toEqual(['norm', 'norm']);
  });

  it('moe_act: the routed experts’ activation only (not the shared experts’)', () => {
    expect(rerun('moe_act')).toEqual(['mlp-activation']);
  });

  it('moe: router, permutation, expert GEMMs and activation, un-permutation, shared experts', () => {
    expect(rerun('moe').sort()).toEqual(
      [
        'router',
        'moe-permute',
        'mlp-up',
        'mlp-gate',
        'mlp-activation',
        'mlp-down',
        'moe-unpermute',
        'mlp-up',
        'mlp-gate',
        'mlp-activation',
        'mlp-down',
      ].sort(),
    );
  });

  it('core_attn: scores, softmax, context', () => {
    expect(rerun('core_attn')).toEqual([
      'attention-scores',
      'attention-softmax',
      'attention-context',
    ]);
  });
});

describe('FP8: linear-layer inputs kept quantised (1 B), hand-computed', () => {
  it('norm outputs, out-proj input, expert and shared activation outputs drop to 1 B', () => {
    const bf16 = activationBytesPerLayer({ ...shape, recompute: 'none' });
    const fp8 = activationBytesPerLayer({ ...shape, recompute: 'none', fp8: true });
    const sb = 1024;
    const normOutputs = 2 * sb * 1024; // two norm outputs, h = 1024
    const outProjInput = sb * 8 * 128; // a·d = 1024
    const expertProduct = 2 * sb * 512; // k·sb rows of f_e
    const sharedProduct = sb * 512;
    expect(bf16 - fp8).toBe(normOutputs + outProjInput + expertProduct + sharedProduct);
  });
});
