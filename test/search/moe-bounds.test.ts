/**
 * The search's three cheap bounds on MoE and context-parallel candidates (issue #14): the step
 * bound (costmodel/bounds.ts createStepBound) never above what evaluation reports, closed form or
 * simulated; the shape bound never above the step bound of any candidate of its shape; the memory
 * bound (costmodel/memory-bound.ts) never above the peak estimateMemory reports — so a candidate
 * rejected by it could not have fit. Checked on every (or every k-th) enumerated candidate of
 * small and zoo MoE problems with EP, ETP, CP, fp8, overlapped dispatch and TP overlap.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryBound,
  createShapeBound,
  createStepBound,
  estimate,
  estimateMemory,
  PlanningError,
} from '../../src/costmodel/index.js';
import type { Strategy, TrainingConfig } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import type { ModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import type { ClusterProfile } from '../../src/hardware-profiles/index.js';
import { memoisedDeepspeedSplit } from '../../src/plan/index.js';
import { createSimulatedPipelineModel } from '../../src/schedule/index.js';
import { enumerateStrategies } from '../../src/search/enumerate.js';
import { evaluateCandidate } from '../../src/search/evaluate.js';
import { defaultSchedules } from '../../src/search/plan.js';
import type { SearchConstraints } from '../../src/search/index.js';
import { catalog, fixedTraining, zooGraph } from '../fixtures/planning.js';
import { SMALL_MOE_SPEC } from '../fixtures/specs.js';

const simulated = createSimulatedPipelineModel();

function candidates(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
  constraints: SearchConstraints,
): Strategy[] {
  return [
    ...enumerateStrategies(
      {
        graph,
        worldSize: cluster.numNodes * cluster.gpusPerNode,
        gpusPerNode: cluster.gpusPerNode,
        globalBatchSize: training.globalBatchSize,
        sequenceLength: training.sequenceLength,
        framework: training.framework,
        constraints,
        deepspeedSplit: memoisedDeepspeedSplit(graph.spec.numLayers),
      },
      defaultSchedules(training.framework),
      {},
    ),
  ];
}

interface Checked {
  readonly timed: number;
  readonly sized: number;
  /** Largest bound / estimate seen: the bounds are useful as well as safe. */
  readonly tightestStep: number;
  readonly tightestMemory: number;
  /** Candidates the memory bound rejects unevaluated. */
  readonly cannotFit: number;
}

/** Every `stride`-th candidate: each bound below what the cost model reports for it. */
function checkBounds(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
  constraints: SearchConstraints,
  stride = 1,
): Checked {
  const stepBound = createStepBound(graph, cluster, training, { fullRecomputeMayShrink: true });
  const incumbentBound = createStepBound(graph, cluster, training, { countRecompute: false });
  const shapeBound = createShapeBound(graph, cluster, training);
  const memoryBound = createMemoryBound(graph, cluster, training);
  const all = candidates(graph, cluster, training, constraints);
  let timed = 0;
  let sized = 0;
  let tightestStep = 0;
  let tightestMemory = 0;
  let cannotFit = 0;
  for (let i = 0; i < all.length; i += stride) {
    const s = all[i] as Strategy;
    const shape = {
      ...s,
      sequenceParallel: [s.sequenceParallel],
      expertLayouts: [[s.ep ?? 1, s.etp ?? 1] as const],
      sequenceSlices: [s.sequenceSlices],
      schedules: [s.schedule],
    };
    expect(shapeBound(shape)).toBeLessThanOrEqual(incumbentBound(s));
    try {
      const peak = estimateMemory(graph, cluster, s, training).peakBytes;
      expect(memoryBound.peakBytes(s), JSON.stringify(s)).toBeLessThanOrEqual(peak);
      // The enumeration prefix's states bound, with this candidate's choices listed.
      const layout = [s.ep ?? 1, s.etp ?? 1] as const;
      const prefix = { ...s, zeroStages: [s.zeroStage], expertLayouts: [layout] };
      expect(memoryBound.statesPeakBytes(prefix)).toBeLessThanOrEqual(peak);
      tightestMemory = Math.max(tightestMemory, memoryBound.peakBytes(s) / peak);
      if (memoryBound.cannotFit(s)) cannotFit++;
      sized++;
    } catch (error) {
      if (!(error instanceof PlanningError)) throw error;
    }
    // The search's evaluation (the fewest recomputed layers that fit), then its simulation.
    const result = evaluateCandidate({ graph, cluster, training }, s, {
      searchRecomputeLayers: true,
    });
    if (!result.ok) continue;
    const bound = stepBound(s);
    const closed = result.estimate.stepTimeSeconds;
    const sim = estimate(graph, cluster, result.strategy, training, { pipelineModel: simulated });
    expect(bound, JSON.stringify(s)).toBeLessThanOrEqual(closed);
    expect(bound, JSON.stringify(s)).toBeLessThanOrEqual(sim.stepTimeSeconds);
    expect(incumbentBound(s)).toBeLessThanOrEqual(Math.min(closed, sim.stepTimeSeconds));
    tightestStep = Math.max(tightestStep, bound / closed);
    timed++;
  }
  return { timed, sized, tightestStep, tightestMemory, cannotFit };
}

const moe = (
  overlapAllToAll: boolean,
  dispatcher: 'alltoall' | 'deepep' = 'alltoall',
): NonNullable<TrainingConfig['moe']> => ({
  dispatcher,
  routing: 'dropless',
  capacityFactor: 1,
  imbalanceFactor: 1.25,
  overlapAllToAll,
});

describe('MoE and CP candidates: step, shape and memory bounds below the cost model', () => {
  const small = buildModelGraph(SMALL_MOE_SPEC, 16384);
  const cases: [string, number, TrainingConfig][] = [
    ['alltoall, no overlap', 1, { ...fixedTraining(8, 16384), moe: moe(false) }],
    [
      'DeepEP with overlapped dispatch, fp8, TP overlap, 2 nodes',
      2,
      {
        ...fixedTraining(8, 16384),
        precision: 'fp8',
        overlapTensorParallelComm: true,
        overlapPipelineP2p: true,
        moe: moe(true, 'deepep'),
      },
    ],
    [
      'memory-tight (90% headroom), alltoall',
      1,
      { ...fixedTraining(8, 16384), memoryHeadroomFraction: 0.9, moe: moe(false) },
    ],
  ];
  it('the memory-tight case has candidates the memory bound rejects', () => {
    const training = cases[2]?.[2] as TrainingConfig;
    const checked = checkBounds(small, clusterFromPreset(catalog, 'dgx-h100', 1), training, {});
    expect(checked.cannotFit).toBeGreaterThan(0);
    expect(checked.sized).toBeGreaterThan(checked.timed);
  });
  it.each(cases)('small MoE at 16K tokens, %s', (_name, nodes, training) => {
    const cluster = clusterFromPreset(catalog, 'dgx-h100', nodes);
    const checked = checkBounds(small, cluster, training, { cp: [1, 2, 4] });
    expect(checked.timed).toBeGreaterThan(50);
    expect(checked.sized).toBeGreaterThanOrEqual(checked.timed);
    expect(checked.tightestStep).toBeGreaterThan(0.5);
    expect(checked.tightestMemory).toBeGreaterThan(0.9);
  });

  it('small MoE with a multi-token-prediction layer (on the last chunk)', () => {
    const graph = buildModelGraph({ ...SMALL_MOE_SPEC, mtpLayers: 1 }, 16384);
    const training = { ...fixedTraining(8, 16384), moe: moe(false) };
    const checked = checkBounds(graph, clusterFromPreset(catalog, 'dgx-h100', 1), training, {});
    expect(checked.timed).toBeGreaterThan(50);
    expect(checked.tightestMemory).toBeGreaterThan(0.9);
  });

  it('fsdp with bf16 resident parameters, torchtitan EP and CP (HSDP experts over efsdp)', () => {
    const training: TrainingConfig = {
      ...fixedTraining(16, 16384, 'fsdp'),
      fsdpParameterDtype: 'bf16',
      moe: moe(false),
    };
    const checked = checkBounds(small, clusterFromPreset(catalog, 'dgx-h100', 2), training, {});
    expect(checked.timed).toBeGreaterThan(50);
    expect(checked.tightestMemory).toBeGreaterThan(0.9);
  });

  it('Mixtral 8x7B on 2 × DGX H100 at 4K tokens (every 7th candidate)', () => {
    const checked = checkBounds(
      zooGraph('mixtral-8x7b', 4096),
      clusterFromPreset(catalog, 'dgx-h100', 2),
      { ...fixedTraining(64, 4096), moe: moe(false) },
      {},
      7,
    );
    expect(checked.timed).toBeGreaterThan(20);
    expect(checked.tightestMemory).toBeGreaterThan(0.9);
  });

  it('Qwen3-235B-A22B on 8 × DGX H100, fp8 (every 23rd candidate)', () => {
    const checked = checkBounds(
      zooGraph('qwen3-235b-a22b', 4096),
      clusterFromPreset(catalog, 'dgx-h100', 8),
      { ...fixedTraining(256, 4096), precision: 'fp8', moe: moe(false) },
      {},
      23,
    );
    expect(checked.timed).toBeGreaterThan(10);
    expect(checked.tightestMemory).toBeGreaterThan(0.9);
  });
});
