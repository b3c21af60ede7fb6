/**
 * Coarse-to-fine ranking: every candidate is first ranked with the closed-form pipeline model
 * (microseconds each); the best finalists are then re-evaluated by generating and simulating
 * their actual pipeline schedule with their own per-chunk costs, and re-ranked. The plans Strata
 * returns therefore carry simulated step times, peak in-flight memory and the per-rank action
 * lists.
 */
import type { EstimateCache, PipelineModel, Strategy } from '../costmodel/index.js';
import type { PlanSchedule } from '../plan/index.js';
import { actionToCsvCell, createTimingPipelineModel } from '../schedule/index.js';
import type { TimedPipeline, TimingPipelineModel } from '../schedule/index.js';
import type { Evaluation } from './evaluate.js';
import { evaluateCandidate } from './evaluate.js';
import type { AnsweredThreshold } from './finalist-bound.js';
import { lowerBoundPipelineModel } from './finalist-bound.js';
import type { PlanningProblem } from './types.js';

export type Feasible = Extract<Evaluation, { ok: true }>;

export interface RefinedCandidate extends Feasible {
  /** The simulated schedule and its timing; null without pipelining. Written out by toPlanSchedule. */
  readonly pipeline: TimedPipeline | null;
}

/** Finalists simulated per planning call: enough to absorb closed-form ranking error. */
export function finalistCount(topK: number): number {
  return Math.max(16, 4 * (topK + 1));
}

/** The plan's schedule: every rank's actions as text (done only for the plans answered). */
export function toPlanSchedule(pipeline: TimedPipeline): PlanSchedule {
  const { schedule, timing: simulation } = pipeline;
  return {
    kind: schedule.kind,
    numRanks: schedule.numRanks,
    numStages: schedule.numStages,
    numMicroBatches: schedule.numMicroBatches,
    chunksPerRank: schedule.chunksPerRank,
    slicesPerMicroBatch: schedule.slicesPerMicroBatch,
    stageToRank: schedule.stageToRank,
    ranks: schedule.ranks.map((actions) =>
      actions.map((a) => actionToCsvCell(a, schedule.slicesPerMicroBatch)),
    ),
    makespanSeconds: simulation.makespanSeconds,
    bubbleFraction: simulation.bubbleFraction,
    bubbleFractionPerRank: simulation.bubbleFractionPerRank,
    peakInFlightMicroBatches: simulation.peakInFlightMicroBatches,
  };
}

/** What refinement shares across a planning call: the layer-cost memo and the simulations. */
export interface RefineContext {
  readonly cache?: EstimateCache;
  /** One per planning call (schedule/timing-model.ts), so repeated simulations are looked up. */
  readonly model: TimingPipelineModel;
  /**
   * The planning call's answered-shape threshold (finalist-bound.ts): finalists bounded above it
   * are not simulated but counted there as skipped. Absent: every finalist is simulated.
   */
  readonly threshold?: AnsweredThreshold;
}

/** True when the finalist's simulated step time is sure to exceed the threshold. */
function cannotBeAnswered(
  problem: Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>,
  finalist: Feasible,
  context: RefineContext,
): boolean {
  const threshold = context.threshold?.seconds ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(threshold)) return false;
  const bounded = evaluateCandidate(problem, finalist.strategy, {
    pipelineModel: lowerBoundPipelineModel,
    ...(context.cache === undefined ? {} : { cache: context.cache }),
  });
  return bounded.ok && bounded.estimate.stepTimeSeconds > threshold;
}

/**
 * Re-evaluate a pipelined finalist (pp > 1; its recompute layers resolved) with its simulated
 * schedule. Null when it no longer fits: the simulation can keep more in flight than the closed
 * form.
 */
export function simulateFinalist(
  problem: Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>,
  strategy: Strategy,
  context: RefineContext,
): RefinedCandidate | null {
  let pipeline: TimedPipeline | null = null;
  const capture: PipelineModel = (input) => {
    pipeline = context.model(input);
    return pipeline;
  };
  const result = evaluateCandidate(problem, strategy, {
    pipelineModel: capture,
    ...(context.cache === undefined ? {} : { cache: context.cache }),
  });
  return result.ok && pipeline !== null ? { ...result, pipeline } : null;
}

/**
 * Re-evaluate finalists with the simulated schedule. A finalist that no longer fits is dropped,
 * and so is one that cannot be answered (finalist-bound.ts), counted in context.threshold.skipped.
 */
export function refineWithSimulation(
  problem: Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>,
  finalists: readonly Feasible[],
  context: RefineContext = { model: createTimingPipelineModel() },
): RefinedCandidate[] {
  const refined: RefinedCandidate[] = [];
  for (const finalist of finalists) {
    if (finalist.strategy.pp === 1) {
      refined.push({ ...finalist, pipeline: null });
      context.threshold?.add(finalist);
      continue;
    }
    if (cannotBeAnswered(problem, finalist, context)) {
      context.threshold?.countSkipped();
      continue;
    }
    const result = simulateFinalist(problem, finalist.strategy, context);
    if (result !== null) {
      refined.push(result);
      context.threshold?.add(result);
    }
  }
  return refined;
}
