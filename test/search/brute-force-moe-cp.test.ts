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
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { estimate, PlanningError } from '../../src/costmodel/index.js';
import type {
  RecomputeMode,
  ScheduleKind,
  Strategy,
  TrainingConfig,
} from '../../src/costmodel/index.js';
import { planTraining } from '../../src/search/index.js';

const catalog = loadProfileCatalog();

function compositions(n: number, k: number): number[][] {
  if (k === 1) return n >= 1 ? [[n]] : [];
  const out: number[][] = [];
  for (let first = 1; first <= n - (k - 1); first++) {
    for (const rest of compositions(n - first, k - 1)) out.push([first, ...rest]);
  }
  return out;
}

const training: TrainingConfig = {
  globalBatchSize: 4,
  sequenceLength: 16384,
  precision: 'bf16',
  flashAttention: true,
  dropout: false,
  overlapGradientReduce: true,
  overlapParameterGather: true,
  overlapTensorParallelComm: false,
  overlapPipelineP2p: false,
  prefetchParameters: true,
  memoryHeadroomFraction: 0,
  framework: 'megatron',
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

function bruteForce(
  graph: ReturnType<typeof buildModelGraph>,
  cluster: ReturnType<typeof clusterFromPreset>,
): { seconds: number; strategy: Strategy } | null {
  const gpus = cluster.gpusPerNode * cluster.numNodes;
  const L = graph.spec.numLayers;
  const experts = graph.spec.moe?.numExperts ?? 1;
  let best: { seconds: number; strategy: Strategy } | null = null;
  for (let tp = 1; tp <= gpus; tp++)
    for (let cp = 1; cp <= gpus; cp++) {
      if (
        cp > 1 &&
        (training.sequenceLength % (2 * cp) !== 0 || training.sequenceLength / cp < 4096)
      )
        continue;
      for (let pp = 1; pp <= gpus; pp++) {
        if (gpus % (tp * cp * pp) !== 0) continue;
        const dp = gpus / (tp * cp * pp);
        for (let mbs = 1; mbs <= training.globalBatchSize; mbs++) {
          if (training.globalBatchSize % (dp * mbs) !== 0) continue;
          const m = training.globalBatchSize / (dp * mbs);
          const schedules: [ScheduleKind, number][] =
            pp === 1
              ? [['1f1b', 1]]
              : [
                  ['1f1b', 1],
                  ['interleaved-1f1b', 2],
                ];
          for (const [schedule, v] of schedules) {
            if (pp * v > L) continue;
            const splits: (number[] | null)[] =
              pp * v === 1 ? [null] : [null, ...compositions(L, pp * v)];
            for (const layersPerStage of splits)
              for (const sequenceParallel of tp > 1 ? [false, true] : [false])
                for (const [recompute, recomputeLayers] of RECOMPUTE)
                  for (const zeroStage of [0, 1] as const)
                    for (let ep = 1; ep <= experts; ep++)
                      for (const etp of [...new Set([1, tp])]) {
                        if (experts % ep !== 0 || (tp * cp * dp) % (ep * etp) !== 0) continue;
                        const strategy: Strategy = {
                          dp,
                          tp,
                          pp,
                          cp,
                          ...(ep > 1 ? { ep } : {}),
                          ...(etp > 1 ? { etp } : {}),
                          virtualStages: v,
                          sequenceSlices: 1,
                          sequenceParallel,
                          microBatchSize: mbs,
                          numMicroBatches: m,
                          recompute,
                          recomputeLayers,
                          zeroStage,
                          schedule,
                          layersPerStage,
                        };
                        try {
                          const e = estimate(graph, cluster, strategy, training);
                          if (!e.fits) continue;
                          if (best === null || e.stepTimeSeconds < best.seconds)
                            best = { strategy, seconds: e.stepTimeSeconds };
                        } catch (error) {
                          if (!(error instanceof PlanningError)) throw error;
                        }
                      }
          }
        }
      }
    }
  return best;
}

describe('planner equals brute force with EP and CP axes', () => {
  it('4-layer 8-expert MoE at 16K tokens on 8 × H100', () => {
    const spec = specFromExplicitTransformer({
      layers: 4,
      hiddenSize: 1024,
      heads: 16,
      kvHeads: 8,
      vocabSize: 32000,
      gatedMlp: true,
      ffnHiddenSize: 2048,
      moe: { experts: 8, topK: 2, expertFfnHiddenSize: 1024 },
    });
    const graph = buildModelGraph(spec, training.sequenceLength);
    const cluster = clusterFromPreset(catalog, 'dgx-h100', 1);
    const brute = bruteForce(graph, cluster);
    const planned = planTraining({
      graph,
      cluster,
      training,
      constraints: { schedule: ['1f1b', 'interleaved-1f1b'], virtualStages: [1, 2] },
      objective: 'fastest',
      topK: 0,
      stepTimeTargetSeconds: null,
      maxCandidates: 1_000_000,
    });
    expect(brute).not.toBeNull();
    expect(planned.best.estimate.stepTimeSeconds).toBeCloseTo(brute?.seconds ?? Number.NaN, 12);
    // The case exercises the new axes: the brute-force optimum uses EP or CP.
    const s = brute?.strategy;
    expect((s?.ep ?? 1) > 1 || (s?.cp ?? 1) > 1, JSON.stringify(s)).toBe(true);
  });
});
