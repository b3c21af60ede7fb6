/**
 * The planner's best plan equals exhaustive search under the model (issue #13, defined in
 * src/search/search-cluster.ts): every candidate the planner enumerates, on every node count from
 * 1 to the cluster's (idle nodes allowed), evaluated and then re-evaluated with its simulated
 * schedule (pp = 1 keeps its closed form), the fastest simulated step time answered, ties broken
 * by strategyKey. The closed form only orders the planner's work: a candidate whose simulation
 * beats its closed form must still be found (it was not, before the search pruned by bounds on
 * the simulated step time alone).
 */
import { describe, expect, it } from 'vitest';
import type { Framework, ScheduleKind } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { memoisedDeepspeedSplit } from '../../src/plan/index.js';
import { createTimingPipelineModel } from '../../src/schedule/index.js';
import { enumerateStrategies } from '../../src/search/enumerate.js';
import { evaluateCandidate, strategyKey } from '../../src/search/evaluate.js';
import { defaultSchedules, planTraining } from '../../src/search/plan.js';
import { better } from '../../src/search/ranking.js';
import type { RefinedCandidate } from '../../src/search/refine.js';
import { refineWithSimulation } from '../../src/search/refine.js';
import { searchesRecomputeLayers } from '../../src/search/search-cluster.js';
import type { PlanningProblem } from '../../src/search/types.js';
import { catalog, fastestProblem, fixedTraining } from '../fixtures/planning.js';

interface Case {
  readonly framework: Framework;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly preset: string;
  readonly nodes: number;
  readonly batch: number;
  readonly schedules?: readonly ScheduleKind[];
}

function problem(c: Case): PlanningProblem {
  const training = fixedTraining(c.batch, 2048, c.framework);
  const spec = specFromExplicitTransformer({
    layers: c.layers,
    hiddenSize: c.hiddenSize,
    heads: 32,
    vocabSize: 50304,
  });
  return fastestProblem(
    buildModelGraph(spec, training.sequenceLength),
    clusterFromPreset(catalog, c.preset, c.nodes),
    training,
    { topK: 2, allowIdleNodes: true, constraints: c.schedules ? { schedule: c.schedules } : {} },
  );
}

/** Every candidate on every node count, each simulated; the best by step time, then strategyKey. */
function exhaustive(p: PlanningProblem): { best: RefinedCandidate; nodes: number } {
  const context = { model: createTimingPipelineModel() };
  let found: { best: RefinedCandidate; nodes: number } | null = null;
  for (let nodes = 1; nodes <= p.cluster.numNodes; nodes++) {
    const cluster = { ...p.cluster, numNodes: nodes };
    const on = { ...p, cluster };
    const input = {
      graph: p.graph,
      worldSize: nodes * cluster.gpusPerNode,
      gpusPerNode: cluster.gpusPerNode,
      globalBatchSize: p.training.globalBatchSize,
      sequenceLength: p.training.sequenceLength,
      framework: p.training.framework,
      constraints: p.constraints,
      deepspeedSplit: memoisedDeepspeedSplit(p.graph.spec.numLayers),
    };
    const schedules = p.constraints.schedule ?? defaultSchedules(p.training.framework);
    for (const s of enumerateStrategies(input, schedules, {})) {
      const evaluated = evaluateCandidate(on, s, {
        searchRecomputeLayers: searchesRecomputeLayers(p),
      });
      if (!evaluated.ok) continue;
      // Without a threshold every finalist is simulated; none when it no longer fits.
      const [simulated] = refineWithSimulation(on, [evaluated], context);
      if (simulated === undefined) continue;
      if (found === null || better(simulated, found.best)) found = { best: simulated, nodes };
    }
  }
  if (found === null) throw new Error('no feasible candidate');
  return found;
}

const CASES: readonly Case[] = [
  // Both failed before the search pruned by bounds on the simulated step alone: the best plan
  // (ZeRO-2, ZB-H2, pp = 2) simulates faster than its closed form ranked it, 1.211 s against the
  // 1.341 s answered and 0.800 s against 0.822 s (with ZeRO-2's per-micro-batch reductions left
  // out of the simulated chunks, as estimate() had them then).
  { framework: 'fsdp', layers: 16, hiddenSize: 8192, preset: 'dgx-v100', nodes: 4, batch: 16 },
  { framework: 'fsdp', layers: 24, hiddenSize: 6144, preset: 'dgx-a100-40gb', nodes: 4, batch: 32 },
  // FSDP: every schedule, ZB-H1/H2/V and slice-level included, ZeRO 0-3.
  { framework: 'fsdp', layers: 8, hiddenSize: 2048, preset: 'dgx-a100-40gb', nodes: 2, batch: 32 },
  { framework: 'fsdp', layers: 12, hiddenSize: 4096, preset: 'dgx-v100', nodes: 3, batch: 48 },
  { framework: 'fsdp', layers: 16, hiddenSize: 4096, preset: 'dgx-h100', nodes: 2, batch: 64 },
  {
    framework: 'fsdp',
    layers: 12,
    hiddenSize: 4096,
    preset: 'dgx-a100-40gb',
    nodes: 3,
    batch: 24,
    schedules: ['zb-v', 'zb-h1'],
  },
  { framework: 'megatron', layers: 8, hiddenSize: 4096, preset: 'dgx-v100', nodes: 3, batch: 48 },
  {
    framework: 'megatron',
    layers: 12,
    hiddenSize: 4096,
    preset: 'dgx-a100-40gb',
    nodes: 2,
    batch: 32,
  },
  { framework: 'deepspeed', layers: 8, hiddenSize: 4096, preset: 'dgx-v100', nodes: 3, batch: 48 },
  {
    framework: 'deepspeed',
    layers: 12,
    hiddenSize: 4096,
    preset: 'dgx-a100-40gb',
    nodes: 2,
    batch: 32,
  },
];

describe('the best plan equals exhaustive search under the model', () => {
  it.each(CASES)(
    '$framework, $layers layers × $hiddenSize on $preset × $nodes, batch $batch, $schedules',
    (c) => {
      const p = problem(c);
      const reference = exhaustive(p);
      const planned = planTraining(p);
      expect(strategyKey(planned.best.strategy)).toBe(strategyKey(reference.best.strategy));
      expect(planned.best.numNodes).toBe(reference.nodes);
      expect(planned.best.estimate.stepTimeSeconds).toBe(reference.best.estimate.stepTimeSeconds);
      expect(planned.search.truncated).toBe(false);
      expect(planned.search.gapFraction).toBe(0);
    },
    120_000,
  );
});
