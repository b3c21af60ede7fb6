/**
 * Hand-computed MoE and context-parallel costs: expert dispatch (all-to-all) time, expert
 * parameter and optimizer memory under EP / expert-DP, and CP activation memory.
 */
import { describe, expect, it } from 'vitest';
import {
  contextParallelKvBytes,
  expectedDistinctGroups,
  expertDispatchSeconds,
  activationBytesPerLayer,
  parameterShares,
} from '../../src/costmodel/index.js';
import type { ExpertDispatchInputs } from '../../src/costmodel/index.js';
import { placeGroup } from '../../src/costmodel/groups.js';
import { foldedModelStateBytes } from '../../src/costmodel/folded-states.js';
import { memoryInputs } from '../../src/costmodel/stage-cost-model.js';
import { chunkLayouts } from '../../src/costmodel/stages.js';
import type { Strategy } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import {
  clusterFromPreset,
  findModel,
  loadProfileCatalog,
} from '../../src/hardware-profiles/index.js';
import type { ClusterProfile, LinkProfile } from '../../src/hardware-profiles/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { strategyWith } from '../fixtures/strategy.js';
import { overlappedTraining } from '../fixtures/training.js';

const nvlink: LinkProfile = {
  bandwidthBytesPerSecond: 450e9,
  latencySeconds: 5e-6,
  efficiency: 0.8,
};
const ib: LinkProfile = { bandwidthBytesPerSecond: 50e9, latencySeconds: 10e-6, efficiency: 0.9 };
const cluster = { intraNode: nvlink, interNode: ib, gpusPerNode: 8 } as unknown as ClusterProfile;

// DeepSeek-V3 shape of the Megatron-Core MoE report Table 7: 4,096 tokens, h 7,168, top-8 of 256.
const dispatch = (ep: number, over: Partial<ExpertDispatchInputs> = {}): ExpertDispatchInputs => ({
  tokens: 4096,
  hiddenSize: 7168,
  topK: 8,
  numExperts: 256,
  bytesPerElement: 2,
  dispatcher: 'alltoall',
  loadFactor: 1,
  ep: placeGroup(ep, 1, 8),
  etp: placeGroup(1, 1, 8),
  ...over,
});
const S = 4096 * 8 * 7168 * 2; // per-rank send buffer: every token once per selected expert

describe('expert dispatch (all-to-all), hand-computed', () => {
  it('EP 8 inside one node: 7α + (7/8)·S / (B·e) on NVLink', () => {
    const expected = 7 * 5e-6 + ((7 / 8) * S) / (450e9 * 0.8);
    expect(expertDispatchSeconds(dispatch(8), cluster)).toBeCloseTo(expected, 12);
  });
  it('EP 16 on two nodes: the node-local 8/16 of S on NVLink, then S across (1/2 leaves)', () => {
    const intra = 7 * 5e-6 + ((7 / 8) * (S / 2)) / (450e9 * 0.8);
    const inter = 1 * 10e-6 + ((1 / 2) * S) / (50e9 * 0.9);
    expect(expertDispatchSeconds(dispatch(16), cluster)).toBeCloseTo(intra + inter, 12);
    // Leaving the node costs several times more (the report measures 4.6× on H100, Table 7).
    expect(expertDispatchSeconds(dispatch(16), cluster)).toBeGreaterThan(
      3 * expertDispatchSeconds(dispatch(8), cluster),
    );
  });
  it('the busiest rank sets the pace: load factor 1.25 scales the bytes', () => {
    const balanced = expertDispatchSeconds(dispatch(8), cluster);
    const skewed = expertDispatchSeconds(dispatch(8, { loadFactor: 1.25 }), cluster);
    expect(skewed - 7 * 5e-6).toBeCloseTo(1.25 * (balanced - 7 * 5e-6), 12);
  });
  it('expected distinct destination nodes of top-8 of 256 over 4 nodes', () => {
    // 4 · (1 − C(192, 8) / C(256, 8))
    let miss = 1;
    for (let i = 0; i < 8; i++) miss *= (192 - i) / (256 - i);
    expect(expectedDistinctGroups(256, 8, 4)).toBeCloseTo(4 * (1 - miss), 12);
  });
  it('real H100 profile within 25% of the Megatron-Core report Table 7 (NCCL dispatch)', () => {
    const catalog = loadProfileCatalog();
    const h100 = clusterFromPreset(catalog, 'dgx-h100', 8);
    // Measured µs per call at EP 8 / 16 / 32 (arXiv 2603.07685 Table 7).
    for (const [ep, measured] of [
      [8, 1265e-6],
      [16, 5774e-6],
      [32, 8059e-6],
    ] as const) {
      const predicted = expertDispatchSeconds(dispatch(ep), h100);
      expect(Math.abs(predicted / measured - 1), `EP${ep}: ${predicted}`).toBeLessThan(0.25);
    }
  });
});

const moeSpec = specFromExplicitTransformer({
  layers: 4,
  hiddenSize: 1024,
  heads: 8,
  vocabSize: 32000,
  gatedMlp: true,
  ffnHiddenSize: 2048,
  moe: { experts: 16, topK: 2, expertFfnHiddenSize: 512 },
});

const strategy = (over: Partial<Strategy>): Strategy =>
  strategyWith({ dp: 8, zeroStage: 1, ...over });

const training = overlappedTraining(8, 4096);

describe('expert memory, hand-computed', () => {
  const graph = buildModelGraph(moeSpec, 4096);
  // One gated expert: 3·h·f = 3·1024·512 = 1,572,864 parameters; 16 per layer.
  const expert = 3 * 1024 * 512;
  it('EP 4 holds 16/4 experts per layer, EP 4 × ETP 2 an eighth', () => {
    expect(parameterShares(graph, 1, { ep: 4, etp: 1 }).moeLayerExperts).toBe(4 * expert);
    expect(parameterShares(graph, 1, { ep: 4, etp: 2 }).moeLayerExperts).toBe(2 * expert);
  });
  it('expert optimizer states are sharded over expert-DP (dp·tp·cp / ep·etp), dense over dp·cp', () => {
    const s = strategy({ ep: 4 });
    const c = clusterFromPreset(loadProfileCatalog(), 'dgx-h100', 1);
    const x = memoryInputs(graph, c, s, training);
    const chunks = chunkLayouts(s, 4, graph.moeLayerMask);
    const shares = parameterShares(graph, 1, { ep: 4, etp: 1 });
    const experts = 4 * shares.moeLayerExperts;
    const total = shares.pre + shares.post + 4 * shares.moeLayer;
    const states = foldedModelStateBytes(chunks, total, x);
    // Megatron bf16 + distributed optimizer: 2 B weights, 4 B fp32 grads, 12 B / shards optimizer.
    // edp = 8 / 4 = 2 for the experts, dp = 8 for everything else.
    expect(states.weights).toBeCloseTo(2 * total, 3);
    expect(states.gradients).toBeCloseTo(4 * total, 3);
    expect(states.optimizer).toBeCloseTo((12 * (total - experts)) / 8 + (12 * experts) / 2, 3);
  });
});

describe('context-parallel activation memory, hand-computed', () => {
  const llama = findModel(loadProfileCatalog(), 'llama3-8b').spec;
  const shape = {
    spec: llama,
    sequenceLength: 131072,
    microBatchSize: 1,
    tp: 8,
    sequenceParallel: true,
    recompute: 'none' as const,
    flashAttention: true,
    dropout: false,
  };
  it('flash attention: every term is linear in the local tokens, so CP 16 keeps 1/16', () => {
    const whole = activationBytesPerLayer(shape);
    const cp16 = activationBytesPerLayer({ ...shape, contextParallel: 16 });
    expect(cp16).toBeCloseTo(whole / 16, 0);
    // Llama-3-8B, s/cp = 8,192 tokens, t = 8 with SP, no dropout, flash:
    //  R = 8·sbh; T = 2·sb·(a·d + 2·g·d) + 2·sb·a·d + 3·2·sb·f; A = 4·a·sb.
    const sb = 8192;
    const R = 8 * sb * 4096;
    const T = 2 * sb * (4096 + 2 * 1024) + 2 * sb * 4096 + 6 * sb * 14336;
    const A = 4 * 32 * sb;
    expect(cp16).toBeCloseTo((R + T + A) / 8, 0);
  });
  it('full recompute keeps only the layer input: 2·(s/cp)·h / t', () => {
    expect(activationBytesPerLayer({ ...shape, recompute: 'full', contextParallel: 16 })).toBe(
      (2 * 8192 * 4096) / 8,
    );
  });
  it('ring K/V per step: b·(s/cp)·2·g·d·2 B / t', () => {
    const kv = contextParallelKvBytes(
      { spec: llama, sequenceLength: 131072, microBatchSize: 1, tp: 8 },
      16,
    );
    expect(kv).toBe((8192 * 2 * 8 * 128 * 2) / 8);
  });
});

describe('model FLOPs (MFU) the way Megatron counts them', () => {
  it('GPT-3 175B: 72·B·s·l·h²·(1 + s/(12h) + V/(12·l·h)) — causal attention at s²/2', async () => {
    const { modelFlopsPerStep, forwardFlopsPerSequence } =
      await import('../../src/costmodel/index.js');
    const spec = findModel(loadProfileCatalog(), 'gpt3-175b').spec;
    const s = 2048;
    const graph = buildModelGraph(spec, s);
    const { hiddenSize: h, numLayers: l, vocabSize: V } = spec;
    const gemm = forwardFlopsPerSequence(graph, (op) => op.matmul !== null);
    expect(gemm / (24 * s * l * h * h * (1 + s / (12 * h) + V / (12 * l * h)))).toBeCloseTo(1, 12);
    // The step total adds elementwise ops (norms, softmax, activations): under 1% more.
    const step = modelFlopsPerStep(graph, { ...training, globalBatchSize: 4, sequenceLength: s });
    expect(step / (3 * 4 * gemm)).toBeGreaterThan(1);
    expect(step / (3 * 4 * gemm)).toBeLessThan(1.01);
  });
  it('MoE: active FLOPs, each layer with its own ops (DeepSeek-V3: 3 dense + 58 MoE + 1 MTP)', async () => {
    const { forwardFlopsPerSequence } = await import('../../src/costmodel/index.js');
    const graph = buildModelGraph(findModel(loadProfileCatalog(), 'deepseek-v3').spec, 4096);
    const perLayer = (ops: readonly { forwardFlops: number; kind: string }[]): number =>
      ops.reduce(
        (t, op) =>
          t +
          (op.kind === 'attention-scores' || op.kind === 'attention-context'
            ? op.forwardFlops / 2
            : op.forwardFlops),
        0,
      );
    const ends = perLayer([...graph.preOps, ...graph.postOps]);
    // The MTP depth (spec.mtpLayers = 1) is one more layer shaped like the last, an MoE layer.
    const mtp = graph.spec.mtpLayers ?? 0;
    expect(forwardFlopsPerSequence(graph)).toBeCloseTo(
      ends +
        3 * perLayer(graph.denseLayerOps ?? []) +
        (58 + mtp) * perLayer(graph.moeLayerOps ?? []),
      -3,
    );
  });
});
