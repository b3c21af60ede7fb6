/**
 * The planner's PipelineModel: simulatePipeline's numbers (pipeline-model.ts) without the
 * timeline, from schedules compiled once per shape and simulations memoised by their inputs, so a
 * search that re-times finalists over many node counts pays for each distinct (shape, stage
 * costs) once (issue #13). The numbers are bit-identical to createSimulatedPipelineModel's
 * (test/schedule/simulate-timing.test.ts), so a plan matches POST /v1/estimates on it.
 */
import type { PipelineTiming, PipelineTimingInput } from '../costmodel/index.js';
import { scheduleFor, shapeKey, stagePassSeconds } from './pipeline-model.js';
import { compileSchedule, simulateTiming } from './simulate-timing.js';
import type { CompiledSchedule, ScheduleTiming } from './simulate-timing.js';
import type { PipelineSchedule } from './types.js';

export interface TimedPipeline extends PipelineTiming {
  readonly schedule: PipelineSchedule;
  readonly timing: ScheduleTiming;
}

/** Assignable to the cost model's PipelineModel; also returns the schedule and its timing. */
export type TimingPipelineModel = (input: PipelineTimingInput) => TimedPipeline;

/**
 * Zero Bubble schedules cost the longest per-rank span (post-update validation, Qi et al. ICLR'24
 * §4.3); every other schedule the makespan (pipeline-model.ts stepSeconds).
 */
function stepSeconds(kind: PipelineSchedule['kind'], timing: ScheduleTiming): number {
  if (kind !== 'zb-h1' && kind !== 'zb-h2' && kind !== 'zb-v') return timing.makespanSeconds;
  let longest = 0;
  timing.firstStartSeconds.forEach((start, rank) => {
    longest = Math.max(longest, (timing.lastEndSeconds[rank] ?? start) - start);
  });
  return longest;
}

function costKey(input: PipelineTimingInput): string {
  const parts: number[] = [];
  for (const c of input.chunks) parts.push(c.forward, c.backwardInput, c.backwardWeight);
  return parts.join(',');
}

/** One per planning call: compiled schedules and timings are kept for the call's life. */
export function createTimingPipelineModel(): TimingPipelineModel {
  const compiled = new Map<string, CompiledSchedule>();
  const timed = new Map<string, TimedPipeline>();
  return (input) => {
    const shape = shapeKey(input);
    const key = `${shape}#${costKey(input)}`;
    const known = timed.get(key);
    if (known !== undefined) return known;
    let c = compiled.get(shape);
    if (c === undefined) {
      c = compileSchedule(scheduleFor(input));
      compiled.set(shape, c);
    }
    const { schedule } = c;
    const timing = simulateTiming(c, stagePassSeconds(schedule.numStages, input));
    const unitsPerMicroBatch = schedule.chunksPerRank * schedule.slicesPerMicroBatch;
    const result: TimedPipeline = {
      makespanSeconds: stepSeconds(schedule.kind, timing),
      inFlightMicroBatches: timing.peakInFlightMicroBatches.map((n) => n / unitsPerMicroBatch),
      schedule,
      timing,
    };
    timed.set(key, result);
    return result;
  };
}
