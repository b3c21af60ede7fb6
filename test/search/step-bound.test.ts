/**
 * The idle-node search skips candidates by a lower bound (src/costmodel/bounds.ts), and the
 * search rejects candidates by a memory lower bound (src/costmodel/memory-bound.ts); each skip is
 * only safe if the bound is never above what the cost model reports. Checked on every enumerated
 * candidate of small problems (closed-form pipeline and simulated schedule), plus hand values.
 */
import { memoisedDeepspeedSplit } from '../../src/plan/index.js';
import { describe, expect, it } from 'vitest';
import {
  estimate,
  PlanningError,
  clusterSecondsLowerBound,
  minimumBubbleFraction,
  modelStatesCannotFit,
  createMemoryBound,
  createStepBound,
  estimateMemory,
  totalParameters,
} from '../../src/costmodel/index.js';
import { optimizerStepSeconds } from '../../src/costmodel/data-parallel.js';
import type { Strategy } from '../../src/costmodel/index.js';
import type { Framework } from '../../src/costmodel/strategy.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import { createSimulatedPipelineModel } from '../../src/schedule/index.js';
import { enumerateStrategies } from '../../src/search/enumerate.js';
import { defaultSchedules } from '../../src/search/plan.js';
import { catalog, fixedTraining } from '../fixtures/planning.js';
import { strategyWith } from '../fixtures/strategy.js';

const training = (framework: Framework, globalBatchSize: number) =>
  fixedTraining(globalBatchSize, 1024, framework);

const base: Strategy = strategyWith({ pp: 4, numMicroBatches: 8 });

describe('minimumBubbleFraction (Narayanan et al. SC21 §2.2)', () => {
  it('is (p−1)/m for 1F1B and (p−1)/(v·m) interleaved; 0 for zero-bubble and no pipeline', () => {
    expect(minimumBubbleFraction(base)).toBe(3 / 8);
    expect(minimumBubbleFraction({ ...base, schedule: 'interleaved-1f1b', virtualStages: 2 })).toBe(
      3 / 16,
    );
    expect(minimumBubbleFraction({ ...base, schedule: 'zb-h1' })).toBe(0);
    expect(minimumBubbleFraction({ ...base, pp: 1 })).toBe(0);
  });
});

describe('hand-computed bounds', () => {
  // 1 layer, h = 1024, vocab 32,000, seq 1,024 on one A100: matmul FLOPs per sequence =
  // layer 24·s·h² + 4·s²·h (QKV, proj, 2 MLP GEMMs with ffn 4h; scores + context) + LM head 2·s·h·V.
  const spec = specFromExplicitTransformer({
    layers: 1,
    hiddenSize: 1024,
    heads: 16,
    vocabSize: 32000,
  });
  const graph = buildModelGraph(spec, 1024);
  const cluster = clusterFromPreset(catalog, 'dgx-a100-80gb', 1);
  const t = training('megatron', 8);

  it('clusterSecondsLowerBound = 3 · forward matmul FLOPs · batch / (GPUs · peak · best efficiency)', () => {
    const s = 1024;
    const h = 1024;
    // Causal attention counted at s²/2 (flops.ts, Megatron's convention): 4s²h → 2s²h; the
    // time model never runs attention faster than that, so the bound stays a lower bound.
    const forwardPerSequence = 24 * s * h * h + 2 * s * s * h + 2 * s * h * 32000;
    const peak = 312e12; // A100 dense bf16, NVIDIA A100 datasheet
    const best = Math.max(...cluster.device.matmulEfficiency.map((p) => p.efficiency));
    expect(clusterSecondsLowerBound(graph, cluster, t)).toBeCloseTo(
      (3 * forwardPerSequence * 8) / (8 * peak * best),
      12,
    );
  });

  it('createStepBound: W / (1 − (1 − 1/m)^p) for 1F1B + optimizer step of N/(tp·pp), W one micro-batch through the whole model on one GPU', () => {
    const bound = createStepBound(graph, cluster, t);
    const one: Strategy = { ...base, pp: 1, numMicroBatches: 1 };
    // dp = 1: no gradient reduction; the post-pipeline term is the optimizer step (issue #13).
    const optimizer = (parameters: number): number =>
      optimizerStepSeconds(parameters, cluster.device);
    const slack = 1 - 1e-9; // the bound's rounding slack (bounds.ts ROUNDING_SLACK)
    const work = bound(one) / slack - optimizer(totalParameters(graph));
    // Two pipeline stages sharing W, 4 micro-batches: max_r (m·t_r + Σ_{q<r} t_q) is least at
    // t_0 = T/m, t_1 = (T − t_0)/m, so T ≥ W / (1 − (3/4)²); the last rank's term (its layers
    // and the LM head) can say more.
    const halfBubble = work / (1 - (3 / 4) ** 2) + optimizer(totalParameters(graph) / 2);
    expect(bound({ ...base, pp: 2, numMicroBatches: 4 }) / slack).toBeGreaterThanOrEqual(
      halfBubble * (1 - 1e-12),
    );
    // Zero bubble: the busiest rank's m·W/p only.
    expect(bound({ ...base, pp: 2, numMicroBatches: 4, schedule: 'zb-h1' }) / slack).toBeCloseTo(
      (4 * work) / 2 + optimizer(totalParameters(graph) / 2),
      15,
    );
    // One GPU, one layer, one micro-batch: the bound prices what the estimate runs (the layer,
    // the embedding, the LM head, the optimizer step), so it is tight to rounding.
    const e = estimate(graph, { ...cluster, gpusPerNode: 1 }, one, training('megatron', 1));
    expect(bound(one)).toBeLessThanOrEqual(e.stepTimeSeconds);
    expect(bound(one)).toBeCloseTo(e.stepTimeSeconds, 9);
  });

  it('createStepBound counts full recompute of every layer unless the search may shrink it', () => {
    const none: Strategy = { ...base, pp: 2, numMicroBatches: 4, recompute: 'none' };
    const full: Strategy = { ...none, recompute: 'full', recomputeLayers: null };
    const counted = createStepBound(graph, cluster, t);
    const shrinkable = createStepBound(graph, cluster, t, { fullRecomputeMayShrink: true });
    expect(counted(full)).toBeGreaterThan(counted(none));
    // The search's bisection recomputes at least one layer per chunk (evaluate.ts).
    expect(shrinkable(full)).toBeGreaterThan(shrinkable(none));
    expect(shrinkable(full)).toBeLessThanOrEqual(counted(full));
    // A pinned layer count is not "every layer": nothing is claimed for it.
    expect(counted({ ...full, recomputeLayers: 1 })).toBe(counted(none));
    for (const s of [none, full]) {
      const one = { ...s, pp: 1, dp: 1, tp: 1, numMicroBatches: 8 };
      const e = estimate(graph, { ...cluster, gpusPerNode: 1 }, one, t);
      expect(counted(one)).toBeLessThanOrEqual(e.stepTimeSeconds);
    }
  });

  it('modelStatesCannotFit: 14 bytes per parameter spread over every GPU', () => {
    // 70 B-class model: 80 layers, h 8192 → ≈ 64e9 layer parameters ≈ 0.9 TB of weights + Adam.
    const big = buildModelGraph(
      specFromExplicitTransformer({ layers: 80, hiddenSize: 8192, heads: 64, vocabSize: 32000 }),
      1024,
    );
    expect(modelStatesCannotFit(big, cluster)).toBe(true); // ≈ 113 GB per 80 GB GPU
    expect(modelStatesCannotFit(big, { ...cluster, numNodes: 2 })).toBe(false); // ≈ 57 GB
    // FSDP with bf16 resident states keeps 8 bytes per parameter: ≈ 65 GB per GPU on one node.
    const bf16Fsdp = { framework: 'fsdp', fsdpParameterDtype: 'bf16' } as const;
    expect(modelStatesCannotFit(big, cluster, bf16Fsdp)).toBe(false);
    expect(modelStatesCannotFit(big, cluster, { framework: 'fsdp' })).toBe(true);
  });
});

describe('the bound is never above the cost model', () => {
  it.each([
    ['megatron', 'dgx-a100-80gb', 2, 8, 16],
    ['fsdp', 'dgx-h100', 1, 8, 32],
    ['deepspeed', 'dgx-v100', 2, 4, 16],
  ] as const)(
    '%s on %s × %i (%i GPUs per node, batch %i)',
    (framework, preset, nodes, perNode, batch) => {
      const graph = buildModelGraph(
        specFromExplicitTransformer({ layers: 8, hiddenSize: 1024, heads: 16, vocabSize: 32000 }),
        1024,
      );
      const cluster = { ...clusterFromPreset(catalog, preset, nodes), gpusPerNode: perNode };
      const t = training(framework, batch);
      const simulated = createSimulatedPipelineModel();
      const stepBound = createStepBound(graph, cluster, t);
      const memoryBound = createMemoryBound(graph, cluster, t);
      let checked = 0;
      let tightest = 0;
      let tightestMemory = 0;
      for (const s of enumerateStrategies(
        {
          graph,
          worldSize: nodes * perNode,
          gpusPerNode: perNode,
          globalBatchSize: batch,
          sequenceLength: 1024,
          framework,
          constraints: {},
          deepspeedSplit: memoisedDeepspeedSplit(graph.spec.numLayers),
        },
        defaultSchedules(framework),
        {},
      )) {
        const bound = stepBound(s);
        try {
          // The memory bound (memory-bound.ts) below the peak the memory check compares.
          const peak = estimateMemory(graph, cluster, s, t).peakBytes;
          expect(memoryBound.peakBytes(s)).toBeLessThanOrEqual(peak);
          const prefix = { ...s, zeroStages: [s.zeroStage], expertLayouts: [[1, 1] as const] };
          expect(memoryBound.statesPeakBytes(prefix)).toBeLessThanOrEqual(peak);
          tightestMemory = Math.max(tightestMemory, memoryBound.peakBytes(s) / peak);
        } catch (error) {
          if (!(error instanceof PlanningError)) throw error;
        }
        for (const options of [{}, { pipelineModel: simulated }]) {
          try {
            const e = estimate(graph, cluster, s, t, options);
            expect(bound).toBeLessThanOrEqual(e.stepTimeSeconds);
            tightest = Math.max(tightest, bound / e.stepTimeSeconds);
            checked++;
          } catch (error) {
            if (!(error instanceof PlanningError)) throw error;
          }
        }
      }
      expect(checked).toBeGreaterThan(50);
      // Useful as well as safe: within 2× of the estimate for the best-covered candidates.
      expect(tightest).toBeGreaterThan(0.5);
      expect(tightestMemory).toBeGreaterThan(0.9);
    },
  );
});
