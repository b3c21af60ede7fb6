/**
 * A deadline cuts the building of the candidate queue too (issue #13): the planner polls
 * shouldStop while enumerating, answers a plan from what it enumerated, and bounds what it did not
 * by the cluster's compute bound. Deadlines here are counted calls, not clocks.
 */
import { describe, expect, it } from 'vitest';
import { clusterSecondsLowerBound } from '../../src/costmodel/index.js';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import { planTraining } from '../../src/search/index.js';
import { catalog, fastestProblem, fixedTraining, zooGraph } from '../fixtures/planning.js';

const problem = fastestProblem(
  zooGraph('gpt-1.7b', 2048),
  clusterFromPreset(catalog, 'dgx-a100-80gb', 4),
  fixedTraining(128, 2048, 'fsdp'),
  { topK: 2 },
);

describe('a deadline while the queue is built', () => {
  it('answers a plan from the strategies enumerated, with the compute bound for the rest', () => {
    const exact = planTraining(problem);
    let calls = 0;
    const cut = planTraining(problem, { shouldStop: () => ++calls > 2 });
    expect(cut.search.truncated).toBe(true);
    expect(cut.search.candidates).toBeLessThan(exact.search.candidates);
    const computeBound = clusterSecondsLowerBound(problem.graph, problem.cluster, problem.training);
    expect(cut.search.lowerBoundSeconds).toBeLessThanOrEqual(computeBound);
    expect(cut.search.lowerBoundSeconds).toBeLessThanOrEqual(exact.best.estimate.stepTimeSeconds);
    expect(cut.best.estimate.stepTimeSeconds).toBeGreaterThanOrEqual(
      exact.best.estimate.stepTimeSeconds,
    );
  });

  it('changes nothing when the deadline never comes (one TP degree at a time, widest first)', () => {
    const exact = planTraining(problem);
    const polled = planTraining(problem, { shouldStop: () => false });
    expect([polled.best, ...polled.alternatives].map((p) => p.strategy)).toEqual(
      [exact.best, ...exact.alternatives].map((p) => p.strategy),
    );
    expect(polled.search.truncated).toBe(false);
    expect(polled.search.rejected['tp-exceeds-node']).toBe(
      exact.search.rejected['tp-exceeds-node'],
    );
  });
});
