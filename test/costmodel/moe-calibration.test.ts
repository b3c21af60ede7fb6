/**
 * Hand-computed checks of the MoE calibration formulas: Megatron's 16-bit gradient buffer
 * (grad_reduce_in_fp32 off), the interference of an overlapped expert dispatch, the FSDP unit of
 * an expert-parallel layer, and the logits / layer-working-set peak.
 */
import { describe, expect, it } from 'vitest';
import {
  gradientReduceBytesPerParameter,
  modelStateBytes,
  stateBytesPerParameter,
} from '../../src/costmodel/model-states.js';
import {
  EXPERT_OVERLAP_INTERFERENCE_FRACTION,
  FUSED_DISPATCH_ROUND_TRIPS,
  expertDispatchSeconds,
  expertOverlapInterference,
} from '../../src/costmodel/moe-communication.js';
import { placeGroup } from '../../src/costmodel/groups.js';
import { overlappedSeconds } from '../../src/costmodel/overlap.js';
import {
  attentionKernelKeys,
  attentionLengthSpeedup,
} from '../../src/costmodel/attention-kernel.js';
import { rankMemoryFromParts } from '../../src/costmodel/rank-memory.js';
import type { ActivationTerms, RankMemoryInputs } from '../../src/costmodel/rank-memory.js';
import { memoryInputs } from '../../src/costmodel/stage-cost-model.js';
import { DEFAULT_MOE_IMBALANCE_FACTOR, moeTrainingDefaults } from '../../src/costmodel/strategy.js';
import { strategyWith } from '../fixtures/strategy.js';
import type { Strategy, TrainingConfig } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import {
  clusterFromPreset,
  customCluster,
  loadProfileCatalog,
} from '../../src/hardware-profiles/index.js';
import type { ClusterProfile } from '../../src/hardware-profiles/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';

describe("Megatron's gradient buffer dtype (grad_reduce_in_fp32)", () => {
  it('bf16 with the distributed optimizer over 8: 2 + 4 + 12/8 B by default, 2 + 2 + 12/8 off', () => {
    expect(stateBytesPerParameter('megatron', 'bf16', 1, 8)).toEqual({
      weights: 2,
      gradients: 4,
      optimizer: 1.5,
    });
    expect(stateBytesPerParameter('megatron', 'bf16', 1, 8, false)).toEqual({
      weights: 2,
      gradients: 2,
      optimizer: 1.5,
    });
    // 1e9 parameters: 2 GB of gradients instead of 4 GB.
    expect(modelStateBytes(1e9, 8, 1, 'bf16', 'megatron', false).gradients).toBe(2e9);
  });
  it('the reduction moves 2 B per parameter when the buffer is 16-bit, 4 B by default', () => {
    expect(gradientReduceBytesPerParameter('bf16', 'megatron', 1)).toBe(4);
    expect(gradientReduceBytesPerParameter('bf16', 'megatron', 1, false)).toBe(2);
    // Other frameworks ignore the Megatron switch.
    expect(gradientReduceBytesPerParameter('bf16', 'fsdp', 3, false)).toBe(4);
    expect(stateBytesPerParameter('fsdp', 'bf16', 3, 8, false).gradients).toBe(0.5);
  });
});

describe('overlapped expert dispatch / combine', () => {
  it('costs max(c, k) + 0.65·min(c, k): 10 ms of compute beside 4 ms of dispatch → 12.6 ms', () => {
    expect(EXPERT_OVERLAP_INTERFERENCE_FRACTION).toBe(0.65);
    const iota = expertOverlapInterference(0.15);
    expect(iota).toBe(0.65);
    expect(overlappedSeconds(10e-3, 4e-3, iota)).toBeCloseTo(12.6e-3, 12);
    // A device whose generic interference is larger keeps its own.
    expect(expertOverlapInterference(0.8)).toBe(0.8);
  });
  it('the ModelZoo on/off pair: ~6.25 s of dispatch hidden behind ~11 s of compute saves ~2.2 s', () => {
    const compute = 11.16;
    const dispatch = 6.25;
    const saved = compute + dispatch - overlappedSeconds(compute, dispatch, 0.65);
    expect(saved).toBeCloseTo(0.35 * dispatch, 9); // measured: 19.7 → 17.6 s, 2.1 s
  });
});

describe('dropless imbalance default', () => {
  it('is 1.1 (Mixtral 8x22B forced/dropless pair: the expert half of the step ~1.1× slower)', () => {
    expect(DEFAULT_MOE_IMBALANCE_FACTOR).toBe(1.1);
    expect(moeTrainingDefaults().imbalanceFactor).toBe(1.1);
  });
});

describe('FSDP unit of an expert-parallel layer', () => {
  // 2 MoE layers, h 1024, 8 heads of 128 (MHA), 16 gated experts of width 512, top-2.
  const spec = specFromExplicitTransformer({
    layers: 2,
    hiddenSize: 1024,
    heads: 8,
    vocabSize: 32000,
    gatedMlp: true,
    ffnHiddenSize: 2048,
    moe: { experts: 16, topK: 2, expertFfnHiddenSize: 512 },
  });
  const graph = buildModelGraph(spec, 4096);
  const strategy: Strategy = strategyWith({ dp: 8, ep: 4, zeroStage: 3 });
  const training: TrainingConfig = {
    globalBatchSize: 8,
    sequenceLength: 4096,
    precision: 'bf16',
    flashAttention: true,
    dropout: false,
    overlapGradientReduce: true,
    overlapParameterGather: false,
    overlapTensorParallelComm: false,
    overlapPipelineP2p: true,
    prefetchParameters: true,
    memoryHeadroomFraction: 0,
    framework: 'fsdp',
  };
  it('gathers attention, norms, router and only this rank’s 16/4 experts', () => {
    const cluster = clusterFromPreset(loadProfileCatalog(), 'dgx-h100', 1);
    const x = memoryInputs(graph, cluster, strategy, training);
    const attention = 4 * 1024 * 1024; // Q, K, V, O: h × h each
    const norms = 2 * 1024;
    const router = 1024 * 16;
    const localExperts = (16 / 4) * 3 * 1024 * 512; // gate, up, down of h × f_e
    expect(x.layerParametersPerGpu).toBe(attention + norms + router + localExperts);
  });
});

describe('last-stage peak: logits and the layer working set', () => {
  // Runtime reserve zeroed so that the activations term is the whole of the check.
  const x = {
    device: {
      runtimeMemory: {
        contextBytes: 0,
        ncclBytesPerCommunicator: 0,
        allocatorFragmentationFraction: 0,
      },
    },
    strategy: { tp: 1, dp: 1, pp: 2, cp: 1 },
  } as unknown as RankMemoryInputs;
  const terms = { logits: 5e9, workingLayer: 2e9 } as ActivationTerms;
  const parts = {
    states: { weights: 1e9, gradients: 2e9, optimizer: 3e9 },
    perMicroBatch: 1e9,
    holdsHead: true,
    working: { backward: 0, optimizerStep: 0 },
  };
  it('never coexist: activations = in-flight · per-micro-batch + max(logits, working layer)', () => {
    expect(rankMemoryFromParts(parts, 3, x, terms).activations).toBe(3e9 + 5e9);
    expect(rankMemoryFromParts({ ...parts, holdsHead: false }, 3, x, terms).activations).toBe(
      3e9 + 2e9,
    );
  });
});

describe('flash-attention speed against the keys one kernel call sees', () => {
  it('1 up to 4K, 1.2 from 16K, log-linear between (8K: halfway, 1.1)', () => {
    expect(attentionLengthSpeedup(2048)).toBe(1);
    expect(attentionLengthSpeedup(4096)).toBe(1);
    expect(attentionLengthSpeedup(8192)).toBeCloseTo(1.1, 12);
    expect(attentionLengthSpeedup(16384)).toBe(1.2);
    expect(attentionLengthSpeedup(131072)).toBe(1.2);
  });
  it('Table 9 time-weighted 4K → 16K: Hopper 458 → 557, Blackwell 1153 → 1408 TFLOP/s', () => {
    const weighted = (fwd: number, bwd: number): number => 3 / (1 / fwd + 2 / bwd);
    expect(weighted(638, 523) / weighted(553, 422)).toBeCloseTo(1.21, 2);
    expect(weighted(1698, 1298) / weighted(1324, 1083)).toBeCloseTo(1.22, 2);
  });
  it('ring attention calls see s/cp keys: 131,072 tokens over CP 8 → 16,384', () => {
    const spec = specFromExplicitTransformer({
      layers: 1,
      hiddenSize: 1024,
      heads: 8,
      vocabSize: 32000,
      gatedMlp: true,
      ffnHiddenSize: 2048,
    });
    const ops = buildModelGraph(spec, 131072).layerOps;
    const scores = ops.find((op) => op.kind === 'attention-scores');
    const context = ops.find((op) => op.kind === 'attention-context');
    if (scores === undefined || context === undefined) throw new Error('no attention core');
    expect(attentionKernelKeys(scores, 8)).toBe(16384);
    expect(attentionKernelKeys(context, 8)).toBe(16384);
    expect(attentionKernelKeys(scores, 1)).toBe(131072);
  });
});

describe('fused (DeepEP / HybridEP) dispatch: two link latencies per call', () => {
  const nvlink = { bandwidthBytesPerSecond: 450e9, latencySeconds: 5e-6, efficiency: 0.8 };
  const ib = { bandwidthBytesPerSecond: 50e9, latencySeconds: 10e-6, efficiency: 0.9 };
  const cluster = { intraNode: nvlink, interNode: ib, gpusPerNode: 8 } as unknown as ClusterProfile;
  it('EP 8 in one node: 2α + T·h·B·D(8)·(7/8) / (B·e), D(8) distinct GPUs of top-8 of 256', () => {
    let miss = 1;
    for (let i = 0; i < 8; i++) miss *= (224 - i) / (256 - i);
    const distinctGpus = 8 * (1 - miss);
    const bytes = 4096 * 7168 * 2 * distinctGpus * (7 / 8);
    const expected = FUSED_DISPATCH_ROUND_TRIPS * 5e-6 + bytes / (450e9 * 0.8);
    const x = {
      tokens: 4096,
      hiddenSize: 7168,
      topK: 8,
      numExperts: 256,
      bytesPerElement: 2,
      dispatcher: 'hybridep' as const,
      loadFactor: 1,
      ep: placeGroup(8, 1, 8),
      etp: placeGroup(1, 1, 8),
    };
    expect(FUSED_DISPATCH_ROUND_TRIPS).toBe(2);
    expect(expertDispatchSeconds(x, cluster)).toBeCloseTo(expected, 12);
  });
  it('GB200 NVL72 HybridEP within 15% of Table 7 at EP 8–64 (391, 578, 612, 675 µs)', () => {
    const catalog = loadProfileCatalog();
    const nvl72 = customCluster(catalog, {
      accelerator: 'nvidia-gb200-186gb',
      gpusPerNode: 72,
      nodes: 1,
    });
    for (const [ep, measured] of [
      [8, 391e-6],
      [16, 578e-6],
      [32, 612e-6],
      [64, 675e-6],
    ] as const) {
      const predicted = expertDispatchSeconds(
        {
          tokens: 4096,
          hiddenSize: 7168,
          topK: 8,
          numExperts: 256,
          bytesPerElement: 2,
          dispatcher: 'hybridep',
          loadFactor: 1,
          ep: placeGroup(ep, 1, 72),
          etp: placeGroup(1, 1, 72),
        },
        nvl72,
      );
      expect(Math.abs(predicted / measured - 1), `EP${ep}: ${predicted}`).toBeLessThan(0.15);
    }
  });
});
