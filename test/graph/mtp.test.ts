/**
 * Multi-token prediction (spec.mtpLayers; DeepSeek-V3 report §2.2, Megatron-LM
 * MultiTokenPredictionLayer): what one depth adds to the graph, its parameters and its FLOPs,
 * hand-computed on the small MoE fixture.
 */
import { describe, expect, it } from 'vitest';
import { forwardFlopsPerSequence } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { ModelInputError, validateTransformerSpec } from '../../src/model-spec/index.js';
import { LLAMA_SPEC, SMALL_MOE_SPEC } from '../fixtures/specs.js';

const s = 4096;
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('multi-token prediction', () => {
  const base = buildModelGraph(SMALL_MOE_SPEC, s);
  const mtp = buildModelGraph({ ...SMALL_MOE_SPEC, mtpLayers: 1 }, s);
  const { hiddenSize: h, vocabSize: V } = SMALL_MOE_SPEC;

  it('adds one layer shaped like the last one and its head-side ops', () => {
    expect(base.mtpLayerMask).toEqual([]);
    expect(mtp.mtpLayerMask).toEqual([true]);
    const extra = mtp.postOps.slice(base.postOps.length).map((op) => op.id);
    expect(extra).toEqual([
      'mtp0.enorm',
      'mtp0.hnorm',
      'mtp0.eh-proj',
      'mtp0.final-norm',
      'mtp0.lm-head',
      'mtp0.loss',
    ]);
    // The depth's transformer layer is layer L (ids layer4.*), in the op list but not in postOps.
    expect(mtp.ops.some((op) => op.id === 'layer4.attn-norm')).toBe(true);
    expect(mtp.graph.hasNode('mtp0.loss')).toBe(true);
  });

  it('parameters: one MoE layer + eh_proj 2h² + three RMSNorms of h; the head is shared', () => {
    const perMoeLayer = base.parameters.perMoeLayer;
    const added = perMoeLayer + 2 * h * h + 3 * h;
    expect(mtp.parameters.total - base.parameters.total).toBe(added);
    const lmHead = mtp.postOps.find((op) => op.id === 'mtp0.lm-head');
    expect(lmHead?.parameterCount).toBe(0);
  });

  it('forward FLOPs: one MoE layer + 2·s·2h·h + the norms + 2·s·h·V + the loss', () => {
    const layer =
      forwardFlopsPerSequence(base) -
      forwardFlopsPerSequence(buildModelGraph({ ...SMALL_MOE_SPEC, numLayers: 3 }, s));
    const rmsnorm = 4 * s * h;
    const crossEntropy = 6 * s * V;
    const added = layer + 2 * s * 2 * h * h + 3 * rmsnorm + 2 * s * h * V + crossEntropy;
    const got = forwardFlopsPerSequence(mtp) - forwardFlopsPerSequence(base);
    expect(got).toBeCloseTo(added, -3);
    expect(sum(mtp.postOps.map((op) => op.forwardFlops))).toBeGreaterThan(0);
  });

  it('a dense model’s depth is a dense layer', () => {
    const dense = buildModelGraph({ ...LLAMA_SPEC, mtpLayers: 2 }, 1024);
    expect(dense.mtpLayerMask).toEqual([false, false]);
  });

  it('rejects a negative or fractional depth count', () => {
    expect(() => validateTransformerSpec({ ...SMALL_MOE_SPEC, mtpLayers: -1 })).toThrow(
      ModelInputError,
    );
    expect(() => validateTransformerSpec({ ...SMALL_MOE_SPEC, mtpLayers: 0.5 })).toThrow(
      ModelInputError,
    );
  });
});
