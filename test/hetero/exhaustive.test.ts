/**
 * Exhaustive equality (issue #13): the bounded heterogeneous search (baselines ordered and skipped
 * by their compute bound, pipeline leaves filtered by three bounds, best-bound-first evaluation)
 * returns the same best plan as evaluating every candidate of the three kinds with no bound at
 * all: v1 on each group, every data-parallel member combination, every pipeline (dp, micro-batch
 * size, per-group TP and stage count) in the planner's group order.
 */
import { describe, expect, it } from 'vitest';
import { heteroClusterFromSpec } from '../../src/hardware-profiles/hetero.js';
import type { HeteroClusterSpec } from '../../src/hardware-profiles/hetero.js';
import type { HeteroPlan } from '../../src/plan/index.js';
import { divisors } from '../../src/search/enumerate.js';
import { planTraining } from '../../src/search/index.js';
import {
  evaluatePipeline,
  objectiveValue,
  pipelineGroupOrder,
  planHeterogeneous,
} from '../../src/search/hetero/index.js';
import type { HeteroObjective } from '../../src/search/hetero/index.js';
import {
  dataParallelHeteroPlan,
  homogeneousHeteroPlan,
  pipelineHeteroPlan,
} from '../../src/search/hetero/assemble.js';
import { v1Problem } from '../../src/search/hetero/baselines.js';
import type { GroupStrategy } from '../../src/search/hetero/data-parallel.js';
import { evaluateDataParallel, groupStrategies } from '../../src/search/hetero/data-parallel.js';
import type { Segment } from '../../src/search/hetero/pipeline.js';
import type { GroupOption } from '../../src/search/hetero/pipeline-options.js';
import {
  PIPELINE_MICRO_BATCH_SIZES,
  groupOptions,
} from '../../src/search/hetero/pipeline-options.js';
import { catalog, fixedTraining, zooGraph } from '../fixtures/planning.js';

const PRICES = { 'nvidia-v100-sxm2-32gb': 0.6, 'nvidia-a10-24gb': 0.4 };

function product<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((a) => list.map((s) => [...a, s])), [[]]);
}

/** Every plan of every kind, unbounded (groups small enough for node variants: ≤ 16 nodes). */
function everyPlan(
  spec: HeteroClusterSpec,
  model: string,
  batch: number,
  seq: number,
  objective: HeteroObjective,
): HeteroPlan[] {
  const graph = zooGraph(model, seq);
  const cluster = heteroClusterFromSpec(catalog, spec);
  const training = fixedTraining(batch, seq);
  const x = { graph, cluster, training, prices: PRICES };
  const problem = { graph, cluster, training, objective, prices: PRICES };
  const plans: HeteroPlan[] = [];
  cluster.groups.forEach((group, g) => {
    plans.push(homogeneousHeteroPlan(x, g, planTraining(v1Problem(problem, group)).best));
  });
  const members = cluster.groups.map((group, g) =>
    Array.from({ length: group.numNodes }, (_, i) => groupStrategies(x, g, i + 1)).flat(),
  );
  for (let mask = 1; mask < 1 << cluster.groups.length; mask++) {
    const chosen = members.filter((_, g) => (mask & (1 << g)) !== 0);
    if (chosen.length < 2) continue;
    for (const combo of product<GroupStrategy>(chosen)) {
      const e = evaluateDataParallel(x, combo);
      if (e !== null) plans.push(dataParallelHeteroPlan(x, e));
    }
  }
  const order = pipelineGroupOrder(cluster);
  const context = { graph, cluster, training, cache: new Map() };
  for (const dp of divisors(batch)) {
    for (const mbs of PIPELINE_MICRO_BATCH_SIZES) {
      if ((batch / dp) % mbs !== 0) continue;
      const m = batch / (dp * mbs);
      const options = order.map((g) => groupOptions(context, new Map(), g, dp, mbs).list);
      for (const picked of product<GroupOption>(options)) {
        const segments: Segment[] = [];
        picked.forEach((o, d) => {
          if (o.stages > 0) segments.push({ group: order[d] ?? 0, tp: o.tp, stages: o.stages });
        });
        const pp = segments.reduce((a, s) => a + s.stages, 0);
        if (segments.length < 2 || pp > graph.spec.numLayers || pp > m) continue;
        const e = evaluatePipeline(context, {
          dp,
          microBatchSize: mbs,
          numMicroBatches: m,
          segments,
        });
        if (e !== null) plans.push(pipelineHeteroPlan(x, e));
      }
    }
  }
  return plans;
}

describe('bounded hetero search equals exhaustive evaluation', () => {
  const interGroup = { bandwidthGBps: 12.5, latencyMicroseconds: 20 };
  it.each([
    ['fastest', 'gpt-1.7b', 32, 1024, ['dgx-a100-80gb', 'dgx-v100']],
    ['cheapest', 'gpt-1.7b', 32, 1024, ['dgx-a100-80gb', 'dgx-v100']],
    // A mixed pipeline wins these two (1.676 s and 1.778 s against the A100 alone).
    ['fastest', 'gpt-1.7b', 128, 2048, ['dgx-a100-80gb', 'dgx-v100']],
    ['fastest', 'llama3-8b', 32, 2048, ['dgx-a100-80gb', 'dgx-v100']],
  ] as const)(
    '%s: %s, batch %i, seq %i on %j (one node each)',
    (objective, model, batch, seq, presets) => {
      const spec = { groups: presets.map((preset) => ({ preset, nodes: 1 })), interGroup };
      const cluster = heteroClusterFromSpec(catalog, spec);
      const result = planHeterogeneous({
        graph: zooGraph(model, seq),
        cluster,
        training: fixedTraining(batch, seq),
        objective,
        prices: PRICES,
        maxCandidates: 1_000_000,
      });
      const all = everyPlan(spec, model, batch, seq, objective);
      const best = Math.min(...all.map((p) => objectiveValue(p, objective)));
      expect(result.search.truncated).toBe(false);
      expect(result.search.gapFraction).toBe(0);
      expect(objectiveValue(result.best, objective)).toBe(best);
      const kinds = new Set(
        all.filter((p) => objectiveValue(p, objective) === best).map((p) => p.kind),
      );
      expect(kinds.has(result.best.kind)).toBe(true);
      if (batch !== 32 || model !== 'gpt-1.7b') expect(result.best.kind).toBe('hetero-pipeline');
    },
    300_000,
  );
});

describe('a capped hetero search states a valid gap', () => {
  it('maxCandidates 1..4: lowerBoundSeconds ≤ the exhaustive best ≤ the answer', () => {
    const spec = {
      groups: [
        { preset: 'dgx-a100-80gb', nodes: 1 },
        { preset: 'dgx-v100', nodes: 1 },
      ],
      interGroup: { bandwidthGBps: 12.5, latencyMicroseconds: 20 },
    };
    const cluster = heteroClusterFromSpec(catalog, spec);
    const exact = planHeterogeneous({
      graph: zooGraph('gpt-1.7b', 2048),
      cluster,
      training: fixedTraining(128, 2048),
      objective: 'fastest',
    });
    let truncated = 0;
    for (const maxCandidates of [1, 2, 3, 4]) {
      const r = planHeterogeneous({
        graph: zooGraph('gpt-1.7b', 2048),
        cluster,
        training: fixedTraining(128, 2048),
        objective: 'fastest',
        maxCandidates,
      });
      if (r.search.truncated) truncated++;
      expect(r.search.lowerBoundSeconds).toBeLessThanOrEqual(exact.best.stepTimeSeconds);
      expect(r.best.stepTimeSeconds).toBeGreaterThanOrEqual(exact.best.stepTimeSeconds);
      expect(r.search.gapFraction).toBeCloseTo(
        (r.best.stepTimeSeconds - r.search.lowerBoundSeconds) / r.best.stepTimeSeconds,
        12,
      );
    }
    expect(truncated).toBeGreaterThan(0);
    expect(exact.search.truncated).toBe(false);
  }, 120_000);
});
