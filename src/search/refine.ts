/**
 * Coarse-to-fine ranking: every candidate is first ranked with the closed-form pipeline model
 * (microseconds each); the best finalists are then re-evaluated by generating and simulating
 * their actual pipeline schedule with their own per-chunk costs, and re-ranked. The plans Strata
 * returns therefore carry simulated step times, peak in-flight memory and the per-rank action
 * lists.
 */
import type { PipelineModel } from '../costmodel/index.js';
import type { PlanSchedule } from '../plan/index.js';
import { actionToCsvCell, createSimulatedPipelineModel } from '../schedule/index.js';
import type { SimulatedPipelineTiming } from '../schedule/index.js';
import type { Evaluation } from './evaluate.js';
import { evaluateCandidate } from './evaluate.js';
import type { PlanningProblem } from './types.js';

export type Feasible = Extract<Evaluation, { ok: true }>;

export interface RefinedCandidate extends Feasible {
  readonly schedule: PlanSchedule | null;
}

/** Finalists simulated per planning call: enough to absorb closed-form ranking error. */
export function finalistCount(topK: number): number {
  return Math.max(16, 4 * (topK + 1));
}

export function toPlanSchedule(timing: SimulatedPipelineTiming): PlanSchedule {
  const { schedule, simulation } = timing;
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

/**
 * Re-evaluate finalists with the simulated schedule. A finalist that no longer fits (the
 * simulated schedule keeps more in flight than the closed form) is dropped.
 */
export function refineWithSimulation(
  problem: Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>,
  finalists: readonly Feasible[],
): RefinedCandidate[] {
  const model = createSimulatedPipelineModel();
  const refined: RefinedCandidate[] = [];
  for (const finalist of finalists) {
    if (finalist.strategy.pp === 1) {
      refined.push({ ...finalist, schedule: null });
      continue;
    }
    let timing: SimulatedPipelineTiming | null = null;
    const capture: PipelineModel = (input) => {
      const simulated = model(input);
      timing = simulated;
      return simulated;
    };
    const result = evaluateCandidate(problem, finalist.strategy, { pipelineModel: capture });
    if (result.ok && timing !== null) refined.push({ ...result, schedule: toPlanSchedule(timing) });
  }
  return refined;
}
