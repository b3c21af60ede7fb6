/**
 * The cost model's PipelineModel backed by this room: generate the schedule's per-rank action
 * lists and simulate them with the candidate's own per-chunk costs, so uneven stages, the
 * embedding/LM-head imbalance and the exact warm-up/drain of each schedule are priced.
 *
 * One model instance per planning call holds a cache of generated schedules keyed by shape
 * (kind, p, m, v, k): the action lists do not depend on durations, only the simulation does.
 */
import type { PipelineTiming, PipelineTimingInput } from '../costmodel/index.js';
import { generateSchedule } from './generate.js';
import { simulateSchedule } from './simulate.js';
import type { PipelineSchedule, SimulationResult } from './types.js';

export interface SimulatedPipelineTiming extends PipelineTiming {
  readonly schedule: PipelineSchedule;
  readonly simulation: SimulationResult;
}

/** Assignable to the cost model's PipelineModel; also returns the schedule and simulation. */
export type SimulatedPipelineModel = (input: PipelineTimingInput) => SimulatedPipelineTiming;

/** The schedule's shape: what its action lists depend on (not the durations). */
export function shapeKey(input: PipelineTimingInput): string {
  return [input.schedule, input.pp, input.numMicroBatches, input.virtualStages, input.slices].join(
    '|',
  );
}

/**
 * Zero Bubble schedules replace the optimizer step's global synchronisation with post-update
 * validation (Qi et al. ICLR'24 §4.3), so the next step's warm-up overlaps this step's drain and
 * a step costs the longest per-rank span (first action start to last action end) rather than the
 * makespan. Every other schedule synchronises at the optimizer step: the makespan.
 */
function stepSeconds(schedule: PipelineSchedule, simulation: SimulationResult): number {
  switch (schedule.kind) {
    case 'zb-h1':
    case 'zb-h2':
    case 'zb-v':
      return longestRankSpanSeconds(simulation);
    case 'gpipe':
    case '1f1b':
    case 'interleaved-1f1b':
    case 'seq-slice-1f1b':
      return simulation.makespanSeconds;
  }
}

function longestRankSpanSeconds(simulation: SimulationResult): number {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const entry of simulation.timeline) {
    first.set(
      entry.rank,
      Math.min(first.get(entry.rank) ?? Number.POSITIVE_INFINITY, entry.startSeconds),
    );
    last.set(entry.rank, Math.max(last.get(entry.rank) ?? 0, entry.endSeconds));
  }
  let longest = 0;
  for (const [rank, start] of first) longest = Math.max(longest, (last.get(rank) ?? start) - start);
  return longest;
}

/** Generate (or reuse) the schedule for a timing input's shape. */
/** Each stage's forward, input-gradient and weight-gradient seconds (0 past the given chunks). */
export function stagePassSeconds(
  numStages: number,
  input: PipelineTimingInput,
): {
  forwardSeconds: number[];
  backwardInputSeconds: number[];
  backwardWeightSeconds: number[];
} {
  const pick = (f: (c: PipelineTimingInput['chunks'][number]) => number): number[] =>
    Array.from({ length: numStages }, (_, s) => {
      const chunk = input.chunks[s];
      return chunk === undefined ? 0 : f(chunk);
    });
  return {
    forwardSeconds: pick((c) => c.forward),
    backwardInputSeconds: pick((c) => c.backwardInput),
    backwardWeightSeconds: pick((c) => c.backwardWeight),
  };
}

export function scheduleFor(input: PipelineTimingInput): PipelineSchedule {
  return generateSchedule({
    kind: input.schedule,
    numRanks: input.pp,
    numMicroBatches: input.numMicroBatches,
    ...(input.schedule === 'interleaved-1f1b' ? { virtualStages: input.virtualStages } : {}),
    ...(input.schedule === 'seq-slice-1f1b' ? { slices: input.slices } : {}),
  });
}

/**
 * A PipelineModel that simulates. In-flight counts are converted from the simulator's units
 * (chunk × micro-batch × slice) to "micro-batches through all of the rank's chunks", the unit the
 * memory model multiplies by.
 */
export function createSimulatedPipelineModel(): SimulatedPipelineModel {
  const schedules = new Map<string, PipelineSchedule>();
  const model = (input: PipelineTimingInput): SimulatedPipelineTiming => {
    const key = shapeKey(input);
    let schedule = schedules.get(key);
    if (schedule === undefined) {
      schedule = scheduleFor(input);
      schedules.set(key, schedule);
    }
    const simulation = simulateSchedule(schedule, stagePassSeconds(schedule.numStages, input));
    const unitsPerMicroBatch = schedule.chunksPerRank * schedule.slicesPerMicroBatch;
    return {
      makespanSeconds: stepSeconds(schedule, simulation),
      inFlightMicroBatches: simulation.peakInFlightMicroBatches.map((n) => n / unitsPerMicroBatch),
      schedule,
      simulation,
    };
  };
  return model;
}
