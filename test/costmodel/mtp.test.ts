/**
 * Multi-token-prediction layers in the cost model: they run on the chunk that holds the LM head
 * (Megatron builds the MTP block on the post-process stage), which also keeps a word-embedding
 * copy for the shifted tokens (GPTModel: pre_process or mtp_process → embedding).
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/costmodel/index.js';
import { chunkParametersPerGpu, parameterShares } from '../../src/costmodel/parameters.js';
import { chunkLayouts } from '../../src/costmodel/stages.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { SMALL_MOE_SPEC } from '../fixtures/specs.js';
import { strategyWith } from '../fixtures/strategy.js';
import { fixedTraining } from '../fixtures/training.js';

const s = 4096;

describe('MTP layers in the pipeline layout', () => {
  it('join the last chunk only, counted as MoE when the depth is', () => {
    const mask = [true, true, true, true];
    const chunks = chunkLayouts(strategyWith({ pp: 2 }), 4, mask, [true]);
    expect(chunks.map((c) => [c.layers, c.moeLayers])).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(chunkLayouts(strategyWith({ pp: 2 }), 4, mask).map((c) => c.layers)).toEqual([2, 2]);
  });

  it('the last chunk holds the depth’s layer, eh_proj, norms and an embedding copy', () => {
    const tp = 2;
    const base = buildModelGraph(SMALL_MOE_SPEC, s);
    const mtp = buildModelGraph({ ...SMALL_MOE_SPEC, mtpLayers: 1 }, s);
    const { hiddenSize: h, vocabSize: V } = SMALL_MOE_SPEC;
    const strategy = strategyWith({ pp: 2, tp });
    const last = (g: typeof base): number => {
      const chunks = chunkLayouts(strategy, 4, g.moeLayerMask, g.mtpLayerMask);
      const chunk = chunks[chunks.length - 1];
      if (chunk === undefined) throw new Error('no chunk');
      return chunkParametersPerGpu(chunk, parameterShares(g, tp), chunks.length);
    };
    const moeLayer = parameterShares(base, tp).moeLayer;
    // eh_proj is column-parallel (2h²/t); RMSNorms replicated (3h); embedding copy V·h/t.
    const added = moeLayer + (2 * h * h) / tp + 3 * h + (V * h) / tp;
    expect(last(mtp) - last(base)).toBeCloseTo(added, 6);
  });

  it('slow the step and raise the last stage’s memory', () => {
    const cluster = clusterFromPreset(loadProfileCatalog(), 'dgx-h100', 1);
    const strategy = strategyWith({ dp: 4, pp: 2, ep: 4, numMicroBatches: 8 });
    const training = fixedTraining(32, s);
    const base = estimate(buildModelGraph(SMALL_MOE_SPEC, s), cluster, strategy, training);
    const mtp = estimate(
      buildModelGraph({ ...SMALL_MOE_SPEC, mtpLayers: 1 }, s),
      cluster,
      strategy,
      training,
    );
    expect(mtp.stepTimeSeconds).toBeGreaterThan(base.stepTimeSeconds);
    expect(mtp.stages[1]?.peakMemoryBytes ?? 0).toBeGreaterThan(
      base.stages[1]?.peakMemoryBytes ?? 0,
    );
    expect(mtp.stages[0]?.peakMemoryBytes).toBe(base.stages[0]?.peakMemoryBytes);
    expect(mtp.modelFlopsPerStep).toBeGreaterThan(base.modelFlopsPerStep);
  });
});
