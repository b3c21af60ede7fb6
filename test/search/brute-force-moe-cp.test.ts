/**
 * Optimality with the expert and context axes (issue #14): on a small MoE model at a long
 * sequence the planner returns the same best plan as brute force over every (tp, cp, pp, dp, ep,
 * etp, micro-batch, schedule, split, SP, recompute, ZeRO) the cost model accepts, evaluated one
 * by one with estimate(). The brute force walks the planner's documented domain
 * (src/search/folded-axes.ts): cp dividing the sequence into 2·cp chunks with at least 4,096 tokens
 * per rank, ep dividing the experts, etp ∈ {1, tp}, ep·etp dividing tp·cp·dp.
 */
import { describe, expect, it } from 'vitest';
import { buildModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import type { RecomputeMode, Strategy, TrainingConfig } from '../../src/costmodel/index.js';
import { inexpressibleReason } from '../../src/plan/index.js';
import { planTraining } from '../../src/search/index.js';
import { catalog, fastestProblem, fixedTraining } from '../fixtures/planning.js';
import { SMALL_MOE_SPEC } from '../fixtures/specs.js';
import { denseStrategies, fastestFitting } from './brute-force-space.js';

const training: TrainingConfig = {
  ...fixedTraining(4, 16384),
  moe: {
    dispatcher: 'alltoall',
    routing: 'dropless',
    capacityFactor: 1,
    imbalanceFactor: 1.25,
    overlapAllToAll: false,
  },
};

const RECOMPUTE: [RecomputeMode, number | null][] = [
  ['none', null],
  ['selective', null],
  ['full', null],
  ['full', 1],
];

/** cp splits the sequence into 2·cp chunks with at least 4,096 tokens per rank (folded-axes.ts). */
const cpAllowed = (cp: number): boolean =>
  cp === 1 || (training.sequenceLength % (2 * cp) === 0 && training.sequenceLength / cp >= 4096);

/** (ep, etp) with ep dividing the experts, etp ∈ {1, tp}, ep·etp dividing tp·cp·dp. */
function expertLayouts(experts: number, tp: number, ranks: number): [number, number][] {
  const out: [number, number][] = [];
  for (let ep = 1; ep <= experts; ep++)
    for (const etp of [...new Set([1, tp])])
      if (experts % ep === 0 && ranks % (ep * etp) === 0) out.push([ep, etp]);
  return out;
}

function bruteForce(
  graph: ReturnType<typeof buildModelGraph>,
  cluster: ReturnType<typeof clusterFromPreset>,
  t: TrainingConfig = training,
): { seconds: number; strategy: Strategy } | null {
  const gpus = cluster.gpusPerNode * cluster.numNodes;
  const experts = graph.spec.moe?.numExperts ?? 1;
  const dense = denseStrategies({
    gpus,
    layers: graph.spec.numLayers,
    globalBatchSize: training.globalBatchSize,
    contextDegrees: Array.from({ length: gpus }, (_, i) => i + 1).filter(cpAllowed),
    interleavedChunks: [2],
    sequenceParallel: (tp) => (tp > 1 ? [false, true] : [false]),
    recompute: RECOMPUTE,
    zeroStages: [0, 1],
  });
  return fastestFitting(graph, cluster, withExpertLayouts(dense, experts), t);
}

/** Each dense strategy with each of its expert layouts, innermost. */
function* withExpertLayouts(dense: Iterable<Strategy>, experts: number): Generator<Strategy> {
  for (const s of dense)
    for (const [ep, etp] of expertLayouts(experts, s.tp, s.tp * s.cp * s.dp))
      yield { ...s, ...(ep > 1 ? { ep } : {}), ...(etp > 1 ? { etp } : {}) };
}

describe('planner equals brute force with EP and CP axes', () => {
  it('4-layer 8-expert MoE at 16K tokens on 8 × H100', () => {
    const graph = buildModelGraph(SMALL_MOE_SPEC, training.sequenceLength);
    const cluster = clusterFromPreset(catalog, 'dgx-h100', 1);
    const brute = bruteForce(graph, cluster);
    const planned = planTraining(
      fastestProblem(graph, cluster, training, {
        constraints: { schedule: ['1f1b', 'interleaved-1f1b'], virtualStages: [1, 2] },
      }),
    );
    expect(brute).not.toBeNull();
    expect(planned.best.estimate.stepTimeSeconds).toBeCloseTo(brute?.seconds ?? Number.NaN, 12);
    // The case exercises the new axes: the brute-force optimum uses EP or CP.
    const s = brute?.strategy;
    expect((s?.ep ?? 1) > 1 || (s?.cp ?? 1) > 1, JSON.stringify(s)).toBe(true);
  });

  it('with overlapped DeepEP dispatch, fp8 and memory held back (bounds prune, memory rejects)', () => {
    // The step bound's dispatch term with overlap (max(0, k − c)) and the memory bound's
    // rejections both change what the planner skips; the answer must not change.
    const tight: TrainingConfig = {
      ...training,
      precision: 'fp8',
      memoryHeadroomFraction: 0.95,
      moe: {
        ...(training.moe as NonNullable<TrainingConfig['moe']>),
        dispatcher: 'deepep',
        overlapAllToAll: true,
      },
    };
    const graph = buildModelGraph(SMALL_MOE_SPEC, tight.sequenceLength);
    const cluster = clusterFromPreset(catalog, 'dgx-h100', 1);
    const brute = bruteForce(graph, cluster, tight);
    const planned = planTraining(
      fastestProblem(graph, cluster, tight, {
        constraints: { schedule: ['1f1b', 'interleaved-1f1b'], virtualStages: [1, 2] },
      }),
    );
    expect(brute).not.toBeNull();
    expect(planned.best.estimate.stepTimeSeconds).toBeCloseTo(brute?.seconds ?? Number.NaN, 12);
    expect(planned.search.rejected['out-of-memory'] ?? 0).toBeGreaterThan(0);
  });
});

/**
 * torchtitan's domain (plan/expressible.ts, parallel_dims.py): ZeRO 0–3 with HSDP's in-node shard
 * group at ZeRO ≥ 2, no attention-core or partial recompute, splits torchtitan's CLI builds,
 * expertTensorParallel 1, ep dividing the experts and dp_shard·cp·tp, CP by all-gather.
 */
function* torchtitanSpace(
  graph: ReturnType<typeof buildModelGraph>,
  gpus: number,
  gpusPerNode: number,
  globalBatchSize: number,
): Generator<Strategy> {
  const experts = graph.spec.moe?.numExperts ?? 1;
  const dense = denseStrategies({
    gpus,
    layers: graph.spec.numLayers,
    globalBatchSize,
    contextDegrees: Array.from({ length: gpus }, (_, i) => i + 1).filter(cpAllowed),
    interleavedChunks: [2],
    sequenceParallel: (tp) => (tp > 1 ? [false, true] : [false]),
    recompute: [
      ['none', null],
      ['full', null],
    ],
    zeroStages: [0, 1, 2, 3],
  });
  for (const d of dense) {
    const inNode = Math.floor(gpusPerNode / (d.tp * d.cp));
    const shards =
      d.zeroStage >= 2 && inNode > 1 && inNode < d.dp && d.dp % inNode === 0
        ? [d.dp, inNode]
        : [d.dp];
    for (const dpShard of shards) {
      const grid = (d.zeroStage >= 1 ? dpShard : 1) * d.cp * d.tp;
      for (let ep = 1; ep <= experts; ep++) {
        if (experts % ep !== 0 || grid % ep !== 0) continue;
        const s: Strategy = {
          ...d,
          ...(d.cp > 1 ? { cpComm: 'all-gather' as const } : {}),
          ...(ep > 1 ? { ep } : {}),
          ...(dpShard === d.dp ? {} : { dpShard }),
        };
        if (inexpressibleReason('fsdp', s, graph.spec.numLayers) === null) yield s;
      }
    }
  }
}

describe('fsdp planner equals brute force over torchtitan EP and CP', () => {
  it('4-layer 8-expert MoE at 16K tokens, 2 sequences per step, on 8 × H100', () => {
    // Two sequences on eight GPUs: dp ≤ 2 leaves tp·cp·pp ≥ 4, where CP competes with TP.
    const fsdp: TrainingConfig = { ...training, globalBatchSize: 2, framework: 'fsdp' };
    const graph = buildModelGraph(SMALL_MOE_SPEC, fsdp.sequenceLength);
    const cluster = clusterFromPreset(catalog, 'dgx-h100', 1);
    const brute = fastestFitting(graph, cluster, torchtitanSpace(graph, 8, 8, 2), fsdp);
    const planned = planTraining(
      fastestProblem(graph, cluster, fsdp, {
        constraints: { schedule: ['1f1b', 'interleaved-1f1b'], virtualStages: [1, 2] },
      }),
    );
    expect(brute).not.toBeNull();
    expect(planned.best.estimate.stepTimeSeconds).toBeCloseTo(brute?.seconds ?? Number.NaN, 12);
    const s = brute?.strategy;
    expect((s?.ep ?? 1) > 1 || s?.cp !== 1, JSON.stringify(s)).toBe(true);
  });
});
