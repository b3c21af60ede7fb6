/**
 * Checks StageCosts against a schedule (user input → ScheduleInputError) and resolves the
 * per-boundary p2p time, zero where both stages sit on one rank.
 */
import { ScheduleInputError } from './errors.js';
import type { PipelineSchedule, StageCosts } from './types.js';

export interface ResolvedCosts {
  readonly forwardSeconds: readonly number[];
  readonly backwardInputSeconds: readonly number[];
  readonly backwardWeightSeconds: readonly number[];
  /** p2pSecondsAfter[s]: transfer time between stage s and s+1 (0 on the same rank). */
  readonly p2pSecondsAfter: readonly number[];
  readonly activationBytes: readonly number[];
}

function checkPerStage(field: string, values: readonly number[], numStages: number): void {
  if (values.length !== numStages) {
    throw new ScheduleInputError(
      field,
      `${field} has ${values.length} entries; the schedule has ${numStages} stages`,
    );
  }
  values.forEach((value, stage) => {
    if (!Number.isFinite(value) || value < 0) {
      throw new ScheduleInputError(
        field,
        `${field}[${stage}]=${value} must be a finite number ≥ 0`,
      );
    }
  });
}

function resolveP2p(
  schedule: PipelineSchedule,
  p2p: number | readonly number[] | undefined,
): number[] {
  const boundaries = Math.max(schedule.numStages - 1, 0);
  const values =
    typeof p2p === 'number'
      ? new Array<number>(boundaries).fill(p2p)
      : (p2p ?? new Array<number>(boundaries).fill(0));
  checkPerStage('p2pSeconds', values, boundaries);
  return values.map((seconds, stage) =>
    schedule.stageToRank[stage] === schedule.stageToRank[stage + 1] ? 0 : seconds,
  );
}

export function resolveCosts(schedule: PipelineSchedule, costs: StageCosts): ResolvedCosts {
  const { numStages } = schedule;
  checkPerStage('forwardSeconds', costs.forwardSeconds, numStages);
  checkPerStage('backwardInputSeconds', costs.backwardInputSeconds, numStages);
  checkPerStage('backwardWeightSeconds', costs.backwardWeightSeconds, numStages);
  const activationBytes =
    costs.activationBytesPerMicroBatch ?? new Array<number>(numStages).fill(0);
  checkPerStage('activationBytesPerMicroBatch', activationBytes, numStages);
  return {
    forwardSeconds: costs.forwardSeconds,
    backwardInputSeconds: costs.backwardInputSeconds,
    backwardWeightSeconds: costs.backwardWeightSeconds,
    p2pSecondsAfter: resolveP2p(schedule, costs.p2pSeconds),
    activationBytes,
  };
}
