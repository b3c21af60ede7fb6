/** Evaluate one candidate: the cost model plus the feasibility check, mapping failures to reasons. */
import type { EstimateOptions, Strategy, CostBreakdown } from '../costmodel/index.js';
import type { EstimateCache } from '../costmodel/index.js';
import {
  cacheScope,
  estimate,
  estimateMemory,
  fitsInMemory as fitsWithClosedForm,
  PlanningError,
} from '../costmodel/index.js';
import type { PlanningProblem } from './types.js';

export type Evaluation =
  | { readonly ok: true; readonly strategy: Strategy; readonly estimate: CostBreakdown }
  | { readonly ok: false; readonly reason: string };

type Problem = Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>;

function fitsInMemory(problem: Problem, s: Strategy, cache: EstimateCache | undefined): boolean {
  const { graph, cluster, training } = problem;
  if (cache === undefined) return estimateMemory(graph, cluster, s, training).fits;
  return fitsWithClosedForm(
    graph,
    cluster,
    s,
    training,
    cacheScope(cache, graph, cluster, training),
  );
}

/**
 * Full recompute of only the first N layers of each chunk (Megatron --recompute-method block
 * --recompute-num-layers N; Korthikanti et al. 2022 §5): memory falls and time rises
 * monotonically with N, so the fastest variant that fits is the smallest N that fits, found by
 * bisection over [1, layers per chunk]. N = 0 is the 'none' candidate, evaluated on its own.
 */
function fewestRecomputedLayers(
  problem: Problem,
  strategy: Strategy,
  cache: EstimateCache | undefined,
): Strategy | null {
  const split = strategy.layersPerStage;
  const maxLayers =
    split === null
      ? problem.graph.spec.numLayers / (strategy.pp * strategy.virtualStages)
      : Math.max(...split);
  const withLayers = (n: number): Strategy => ({
    ...strategy,
    recomputeLayers: n >= maxLayers ? null : n,
  });
  if (!fitsInMemory(problem, withLayers(maxLayers), cache)) return null;
  let low = 0;
  let high = Math.ceil(maxLayers);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fitsInMemory(problem, withLayers(mid), cache)) high = mid;
    else low = mid;
  }
  return withLayers(high);
}

export interface EvaluationOptions extends EstimateOptions {
  /** Let full-recompute candidates recompute only as many layers as memory requires. */
  readonly searchRecomputeLayers?: boolean;
}

export function evaluateCandidate(
  problem: Problem,
  candidate: Strategy,
  options: EvaluationOptions,
): Evaluation {
  try {
    // Memory first: it needs no timing, and most rejected candidates fail here.
    const strategy =
      options.searchRecomputeLayers === true &&
      candidate.recompute === 'full' &&
      candidate.recomputeLayers === null
        ? fewestRecomputedLayers(problem, candidate, options.cache)
        : fitsInMemory(problem, candidate, options.cache)
          ? candidate
          : null;
    if (strategy === null) return { ok: false, reason: 'out-of-memory' };
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
    s.recomputeLayers ?? 'all',
    s.zeroStage,
    s.dpShard ?? s.dp,
    s.schedule,
    s.layersPerStage?.join('.') ?? 'even',
  ].join('|');
}
