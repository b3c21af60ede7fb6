/** Per-formula tests against hand-computed values (STYLE.md §11 a), table-driven. */
import { describe, expect, it } from 'vitest';
import { efficiencyAt } from '../../src/costmodel/efficiency.js';
import { opForwardSeconds } from '../../src/costmodel/compute.js';
import { placeGroup } from '../../src/costmodel/groups.js';
import { closedFormPipeline } from '../../src/costmodel/pipeline.js';
import { balancedLayerSplit } from '../../src/search/layer-split.js';
import type { DeviceProfile } from '../../src/hardware-profiles/types.js';
import type { OpNode } from '../../src/graph/types.js';

describe('compute time', () => {
  const device = {
    peakFlopsPerSecond: { bf16: 1e15 },
    memoryBandwidthBytesPerSecond: 2e12,
    matmulEfficiency: [
      { minSize: 0, efficiency: 0.5 },
      { minSize: 1e12, efficiency: 0.8 },
    ],
    memoryEfficiency: [{ minSize: 0, efficiency: 0.5 }],
    attentionEfficiencyFactor: 0.5,
  } as unknown as DeviceProfile;
  const op = (over: Partial<OpNode>): OpNode => ({
    id: 'x',
    kind: 'mlp-up',
    layerIndex: 0,
    tensorParallel: 'column',
    forwardFlops: 4e12,
    matmul: { m: 1, n: 1, k: 1, batch: 1 },
    forwardMemoryBytes: 0,
    parameterCount: 0,
    ...over,
  });
  const share = {
    sequences: 2,
    tp: 4,
    sequenceParallel: false,
    flashAttention: true,
    dropout: false,
  };
  it('matmul: flops·b/tp / (peak · eff(size)) = 2e12 / (1e15 · 0.8)', () => {
    expect(opForwardSeconds(op({}), share, device, 'bf16')).toBeCloseTo(2e12 / 8e14, 15);
  });
  it('flash attention applies the kernel factor and skips the masked half (causal); small ops use the low step', () => {
    // Causal flash attention computes s²/2 of the score matrix (FlashAttention-2 §3.1.1):
    // 1e11 · 2 sequences / tp 4 · 1/2 = 2.5e10 FLOPs at 1e15 · 0.25 (low step · kernel factor).
    expect(
      opForwardSeconds(
        op({ kind: 'attention-scores', tensorParallel: 'heads', forwardFlops: 1e11 }),
        share,
        device,
        'bf16',
      ),
    ).toBeCloseTo(2.5e10 / (1e15 * 0.25), 15);
  });
  it('memory-bound: bytes / (bandwidth · eff); replicated ops are not split without SP', () => {
    const norm = op({
      kind: 'norm',
      tensorParallel: 'replicated',
      matmul: null,
      forwardMemoryBytes: 1e9,
    });
    expect(opForwardSeconds(norm, share, device, 'bf16')).toBeCloseTo(2e9 / 1e12, 15);
    expect(
      opForwardSeconds(norm, { ...share, sequenceParallel: true }, device, 'bf16'),
    ).toBeCloseTo(0.5e9 / 1e12, 15);
  });
  it('efficiency curve is a step function', () => {
    expect(efficiencyAt(device.matmulEfficiency, 5e11)).toBe(0.5);
    expect(efficiencyAt(device.matmulEfficiency, 1e12)).toBe(0.8);
  });
});

describe('placement and splits', () => {
  it('Megatron rank order: TP inside a node, DP strides by tp, PP by tp·dp', () => {
    expect(placeGroup(8, 1, 8)).toEqual({ size: 8, ranksPerNode: 8, numNodes: 1 });
    expect(placeGroup(16, 2, 8)).toEqual({ size: 16, ranksPerNode: 4, numNodes: 4 });
    expect(placeGroup(4, 64, 8)).toEqual({ size: 4, ranksPerNode: 1, numNodes: 4 });
  });
  it('balanced split lightens the chunk with the LM head; ends-light split', () => {
    expect(balancedLayerSplit(10, [0, 0, 0, 2])).toEqual([3, 3, 3, 1]);
    expect(balancedLayerSplit(22, [1, 0, 0, 0, 0, 0, 0, 1])).toEqual([2, 3, 3, 3, 3, 3, 3, 2]);
  });
  it('1F1B with unequal stages: (m − 1)·max + Σ', () => {
    const t = closedFormPipeline({
      schedule: '1f1b',
      pp: 2,
      virtualStages: 1,
      numMicroBatches: 4,
      slices: 1,
      chunks: [],
      ranks: [
        { forward: 1, backwardInput: 1, backwardWeight: 0 },
        { forward: 2, backwardInput: 2, backwardWeight: 0 },
      ],
    });
    expect(t.makespanSeconds).toBe(3 * 4 + 6);
  });
});
