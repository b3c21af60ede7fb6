/**
 * Optimality (STYLE.md §11 d, issue #2): on small cases the planner returns the same best plan as
 * brute force over every strategy the cost model accepts, evaluated one by one with estimate()
 * (the function behind POST /v1/estimates). The brute force enumerates independently of
 * src/search/enumerate.ts: all factorisations, all micro-batch sizes, every layer split, on every
 * number of whole nodes up to the given one (the planner may leave nodes idle when that is faster).
 */
import { describe, expect, it } from 'vitest';
import { buildModelGraph } from '../../src/graph/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import type {
  RecomputeMode,
  Strategy,
  TrainingConfig,
  ZeroStage,
} from '../../src/costmodel/index.js';
import { planTraining } from '../../src/search/index.js';
import { catalog, fastestProblem, fixedTraining } from '../fixtures/planning.js';
import { denseStrategies, fastestFitting } from './brute-force-space.js';

/** Megatron-LM (the default framework) runs ZeRO 0 or its distributed optimizer (ZeRO-1). */
const MEGATRON_ZERO_STAGES: readonly ZeroStage[] = [0, 1];

/** none, selective, and full recompute of the first N layers of each chunk (N = 1..L, L = all). */
function RECOMPUTE_CHOICES(layers: number): [RecomputeMode, number | null][] {
  const partial = Array.from(
    { length: layers - 1 },
    (_, i) => ['full', i + 1] as [RecomputeMode, number],
  );
  return [['none', null], ['selective', null], ['full', null], ...partial];
}

function bruteForce(
  graph: ReturnType<typeof buildModelGraph>,
  cluster: ReturnType<typeof clusterFromPreset>,
  training: TrainingConfig,
) {
  let best: { strategy: Strategy; seconds: number; nodes: number } | null = null;
  const L = graph.spec.numLayers;
  for (let nodes = 1; nodes <= cluster.numNodes; nodes++) {
    const found = bruteForceOn({ ...cluster, numNodes: nodes }, nodes * cluster.gpusPerNode);
    if (found !== null && (best === null || found.seconds < best.seconds)) best = found;
  }
  return best;

  function bruteForceOn(on: typeof cluster, gpus: number) {
    const strategies = denseStrategies({
      gpus,
      layers: L,
      globalBatchSize: training.globalBatchSize,
      contextDegrees: [1],
      // Interleaving with 2..L+1 chunks per rank (pipelineLayouts drops those with pp·v > L).
      interleavedChunks: Array.from({ length: L }, (_, i) => i + 2),
      sequenceParallel: () => [false, true],
      recompute: RECOMPUTE_CHOICES(L),
      zeroStages: MEGATRON_ZERO_STAGES,
    });
    const found = fastestFitting(graph, on, strategies, training);
    return found === null ? null : { ...found, nodes: on.numNodes };
  }
}

const training = fixedTraining(16, 1024);

describe('planner equals brute force on small cases', () => {
  it.each([
    [
      '4-layer model, 8 × A100 (one node)',
      { layers: 4, hiddenSize: 1024, heads: 16, vocabSize: 32000 },
      'dgx-a100-80gb',
      1,
      8,
    ],
    [
      '6-layer model, 2 × 4 × V100',
      { layers: 6, hiddenSize: 2048, heads: 16, vocabSize: 51200 },
      'dgx-v100',
      2,
      4,
    ],
    // 3.7B parameters × 18 bytes does not fit one 40 GB GPU: memory binds the choice.
    [
      'memory-bound 8-layer model, 8 × A100 40GB',
      { layers: 8, hiddenSize: 6144, heads: 48, vocabSize: 51200 },
      'dgx-a100-40gb',
      1,
      8,
    ],
    // 12 GPUs and a batch of 16: dp ∈ {1, 2, 4} forces tp·pp ≥ 3; 2 of the 3 nodes do better.
    [
      '6-layer model, 3 × 4 × V100 (leaves a node idle)',
      { layers: 6, hiddenSize: 1024, heads: 16, vocabSize: 32000 },
      'dgx-v100',
      3,
      4,
    ],
  ] as const)('%s', (_name, model, preset, nodes, perNode) => {
    const graph = buildModelGraph(specFromExplicitTransformer(model), training.sequenceLength);
    const cluster = { ...clusterFromPreset(catalog, preset, nodes), gpusPerNode: perNode };
    const brute = bruteForce(graph, cluster, training);
    const planned = planTraining(fastestProblem(graph, cluster, training));
    expect(brute).not.toBeNull();
    expect(planned.best.estimate.stepTimeSeconds).toBeCloseTo(brute?.seconds ?? Number.NaN, 12);
    expect(planned.best.numNodes).toBe(brute?.nodes);
    expect(planned.search.idleNodes).toBe(nodes - (brute?.nodes ?? 0));
  });
});
