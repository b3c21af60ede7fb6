/**
 * Exactness of the best-first search (issue #13) for the DeepSpeed and FSDP spaces, like the
 * Megatron brute force in brute-force.test.ts: the planner, which stops once no unevaluated
 * candidate's bound can beat its finalists, answers the same best plan and alternatives as
 * exhaustive search — every enumerated candidate evaluated, the best finalists simulated and
 * ranked the same way.
 */
import { describe, expect, it } from 'vitest';
import type { Framework } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { memoisedDeepspeedSplit } from '../../src/plan/index.js';
import { enumerateStrategies } from '../../src/search/enumerate.js';
import { evaluateCandidate } from '../../src/search/evaluate.js';
import { defaultSchedules, planTraining } from '../../src/search/plan.js';
import { better, distinctShapes } from '../../src/search/ranking.js';
import type { Feasible } from '../../src/search/refine.js';
import { finalistCount, refineWithSimulation } from '../../src/search/refine.js';
import type { PlanningProblem } from '../../src/search/types.js';
import { fastestProblem, fixedTraining } from '../fixtures/planning.js';

const catalog = loadProfileCatalog();

function problem(
  framework: Framework,
  layers: number,
  hiddenSize: number,
  preset: string,
  nodes: number,
): PlanningProblem {
  const training = fixedTraining(32, 2048, framework);
  const spec = specFromExplicitTransformer({ layers, hiddenSize, heads: 32, vocabSize: 50304 });
  return fastestProblem(
    buildModelGraph(spec, training.sequenceLength),
    clusterFromPreset(catalog, preset, nodes),
    training,
    { topK: 3, allowIdleNodes: false },
  );
}

/** Evaluate every candidate; keep, simulate and rank finalists as the planner does. */
function exhaustive(p: PlanningProblem): Feasible[] {
  const feasible: Feasible[] = [];
  const input = {
    graph: p.graph,
    worldSize: p.cluster.numNodes * p.cluster.gpusPerNode,
    gpusPerNode: p.cluster.gpusPerNode,
    globalBatchSize: p.training.globalBatchSize,
    sequenceLength: p.training.sequenceLength,
    framework: p.training.framework,
    constraints: p.constraints,
    deepspeedSplit: memoisedDeepspeedSplit(p.graph.spec.numLayers),
  };
  for (const s of enumerateStrategies(input, defaultSchedules(p.training.framework), {})) {
    const result = evaluateCandidate(p, s, {});
    if (result.ok) feasible.push(result);
  }
  feasible.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const refined = refineWithSimulation(p, feasible.slice(0, finalistCount(p.topK)));
  refined.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  return distinctShapes(refined).slice(0, p.topK + 1);
}

describe('best-first search equals exhaustive search', () => {
  it.each([
    ['deepspeed', 8, 2048, 'dgx-a100-40gb', 2],
    ['deepspeed', 8, 4096, 'dgx-v100', 2],
    ['fsdp', 8, 2048, 'dgx-a100-40gb', 2],
    ['fsdp', 8, 4096, 'dgx-v100', 2],
  ] as const)(
    '%s, %i layers × %i hidden on %s × %i',
    (framework, layers, hidden, preset, nodes) => {
      const p = problem(framework, layers, hidden, preset, nodes);
      const reference = exhaustive(p);
      const planned = planTraining(p);
      expect(reference.length).toBeGreaterThan(0);
      const plans = [planned.best, ...planned.alternatives];
      expect(plans.map((plan) => plan.strategy)).toEqual(reference.map((r) => r.strategy));
      expect(plans.map((plan) => plan.estimate.stepTimeSeconds)).toEqual(
        reference.map((r) => r.estimate.stepTimeSeconds),
      );
      expect(planned.search.truncated).toBe(false);
      expect(planned.search.gapFraction).toBe(0);
      // The bound did prune: fewer candidates evaluated than the space holds.
      expect(planned.search.rejected['bound-not-faster'] ?? 0).toBeGreaterThan(0);
      // A deadline that never comes: anytime seeds are evaluated first, the answer is the same.
      const seeded = planTraining(p, { shouldStop: () => false });
      expect([seeded.best, ...seeded.alternatives].map((plan) => plan.strategy)).toEqual(
        reference.map((r) => r.strategy),
      );
      expect(seeded.search.truncated).toBe(false);
      // A deadline already past: the seeds answer, truncated, above the lower bound.
      const stopped = planTraining(p, { shouldStop: () => true });
      expect(stopped.search.truncated).toBe(true);
      expect(stopped.best.estimate.stepTimeSeconds).toBeGreaterThanOrEqual(
        stopped.search.lowerBoundSeconds,
      );
    },
  );
});
