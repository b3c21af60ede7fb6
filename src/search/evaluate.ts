/** Evaluate one candidate: the cost model plus the feasibility check, mapping failures to reasons. */
import type { EstimateOptions } from '../costmodel/estimate.js';
import { estimate } from '../costmodel/estimate.js';
import { estimateMemory } from '../costmodel/estimate-memory.js';
import { PlanningError } from '../costmodel/errors.js';
import type { Strategy } from '../costmodel/strategy.js';
import type { CostBreakdown } from '../costmodel/types.js';
import type { PlanningProblem } from './types.js';

export type Evaluation =
  | { readonly ok: true; readonly strategy: Strategy; readonly estimate: CostBreakdown }
  | { readonly ok: false; readonly reason: string };

export function evaluateCandidate(
  problem: Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>,
  strategy: Strategy,
  options: EstimateOptions,
): Evaluation {
  try {
    // Memory first: it needs no timing, and most rejected candidates fail here.
    if (!estimateMemory(problem.graph, problem.cluster, strategy, problem.training).fits) {
      return { ok: false, reason: 'out-of-memory' };
    }
    const result = estimate(problem.graph, problem.cluster, strategy, problem.training, options);
    if (!result.fits) return { ok: false, reason: 'out-of-memory' };
    return { ok: true, strategy, estimate: result };
  } catch (error) {
    if (error instanceof PlanningError) return { ok: false, reason: error.reason };
    throw error;
  }
}

/** A stable key for deterministic tie-breaking between equally fast strategies. */
export function strategyKey(s: Strategy): string {
  return [
    s.tp,
    s.pp,
    s.dp,
    s.virtualStages,
    s.microBatchSize,
    s.sequenceParallel ? 1 : 0,
    s.recompute,
    s.zeroStage,
    s.schedule,
    s.layersPerStage?.join('.') ?? 'even',
  ].join('|');
}
