/**
 * The estimate cache (src/costmodel/estimate-cache.ts) is performance only: one cache shared by
 * every strategy of a search must give the same numbers, to the bit, as estimating each strategy
 * alone — for every framework's space, including ZeRO stages, schedules and recompute that share
 * layer costs (issue #13).
 */
import { describe, expect, it } from 'vitest';
import type { Framework, TrainingConfig } from '../../src/costmodel/index.js';
import {
  PlanningError,
  cacheScope,
  createEstimateCache,
  estimate,
  estimateMemory,
  fitsInMemory,
} from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { memoisedDeepspeedSplit } from '../../src/plan/index.js';
import { defaultSchedules, enumerateStrategies } from '../../src/search/index.js';
import { SMALL_MOE_SPEC } from '../fixtures/specs.js';
import { fixedTraining } from '../fixtures/training.js';

const catalog = loadProfileCatalog();
const graph = buildModelGraph(
  specFromExplicitTransformer({ layers: 12, hiddenSize: 2048, heads: 16, vocabSize: 50304 }),
  2048,
);
const cluster = clusterFromPreset(catalog, 'dgx-a100-40gb', 2);

const training = (framework: Framework): TrainingConfig => fixedTraining(32, 2048, framework);

const orError = <T>(f: () => T): T | string => {
  try {
    return f();
  } catch (error) {
    if (error instanceof PlanningError) return error.reason;
    throw error;
  }
};

describe('a shared estimate cache changes no number', () => {
  it.each(['megatron', 'deepspeed', 'fsdp'] as const)('%s', (framework) => {
    const t = training(framework);
    const strategies = [
      ...enumerateStrategies(
        {
          graph,
          worldSize: 16,
          gpusPerNode: 8,
          globalBatchSize: t.globalBatchSize,
          sequenceLength: t.sequenceLength,
          framework,
          constraints: {},
          deepspeedSplit: memoisedDeepspeedSplit(graph.spec.numLayers),
        },
        defaultSchedules(framework),
        {},
      ),
    ];
    expect(strategies.length).toBeGreaterThan(100);
    const cache = createEstimateCache();
    for (const s of strategies) {
      const alone = orError(() => estimate(graph, cluster, s, t));
      const shared = orError(() => estimate(graph, cluster, s, t, { cache }));
      expect(shared).toEqual(alone);
      const fits = orError(() => estimateMemory(graph, cluster, s, t).fits);
      expect(orError(() => fitsInMemory(graph, cluster, s, t))).toBe(fits);
      const scope = cacheScope(cache, graph, cluster, t);
      expect(orError(() => fitsInMemory(graph, cluster, s, t, scope))).toBe(fits);
    }
  });

  // Context and expert parallelism enter the layer costs, activation terms, parameter shares and
  // DP placement: a shared cache must key on them too (4-layer 8-expert MoE at 16K on 8 H100,
  // where the space has cp, ep and etp > 1).
  it('megatron with CP, EP and ETP axes (MoE at 16K tokens)', () => {
    const moeGraph = buildModelGraph(SMALL_MOE_SPEC, 16384);
    const h100 = clusterFromPreset(catalog, 'dgx-h100', 1);
    const t = { ...training('megatron'), globalBatchSize: 4, sequenceLength: 16384 };
    const strategies = [
      ...enumerateStrategies(
        {
          graph: moeGraph,
          worldSize: 8,
          gpusPerNode: 8,
          globalBatchSize: 4,
          sequenceLength: 16384,
          framework: 'megatron',
          constraints: {},
          deepspeedSplit: memoisedDeepspeedSplit(4),
        },
        defaultSchedules('megatron'),
        {},
      ),
    ];
    expect(strategies.some((s) => s.cp > 1)).toBe(true);
    expect(strategies.some((s) => (s.ep ?? 1) > 1)).toBe(true);
    const cache = createEstimateCache();
    for (const s of strategies) {
      const alone = orError(() => estimate(moeGraph, h100, s, t));
      const shared = orError(() => estimate(moeGraph, h100, s, t, { cache }));
      expect(shared).toEqual(alone);
    }
  });

  // Pipeline ranks with the same layer count but different MoE layer counts (dense-first layers)
  // must not share a memoised chunk or rank cost: with 2 layers per stage, stage 1 holds a dense
  // and an MoE layer, stage 2 two MoE layers (top-4 of 4096-wide experts: 4× a dense MLP).
  it('ranks with equal layer counts but different MoE layer counts are priced apart', () => {
    const spec = specFromExplicitTransformer({
      layers: 8,
      hiddenSize: 1024,
      heads: 16,
      kvHeads: 8,
      vocabSize: 32000,
      gatedMlp: true,
      ffnHiddenSize: 4096,
      moe: { experts: 8, topK: 4, expertFfnHiddenSize: 4096, firstDenseLayers: 3 },
    });
    const moeGraph = buildModelGraph(spec, 4096);
    const h100 = clusterFromPreset(catalog, 'dgx-h100', 1);
    const t = { ...training('megatron'), globalBatchSize: 16, sequenceLength: 4096 };
    const s = {
      dp: 2,
      tp: 1,
      pp: 4,
      cp: 1,
      virtualStages: 1,
      sequenceSlices: 1,
      sequenceParallel: false,
      microBatchSize: 1,
      numMicroBatches: 8,
      recompute: 'none',
      recomputeLayers: null,
      zeroStage: 1,
      schedule: '1f1b',
      layersPerStage: null,
    } as const;
    const [, mixed, allMoe] = estimate(moeGraph, h100, s, t).stages;
    if (mixed === undefined || allMoe === undefined) throw new Error('four stages expected');
    expect(mixed.forwardSeconds).toBeLessThan(allMoe.forwardSeconds);
  });
});
