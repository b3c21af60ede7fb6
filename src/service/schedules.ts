/**
 * POST /v1/schedules and GET /v1/plans/{id}/schedule (issue #3): generate a pipeline schedule,
 * simulate it, and render it as JSON, PyTorch schedule CSV, Chrome trace or SVG.
 */
import type { Plan } from '../plan/index.js';
import type {
  PipelineSchedule,
  ScheduleKind,
  ScheduleRequest as DomainScheduleRequest,
  SimulationResult,
  StageCosts,
} from '../schedule/index.js';
import {
  actionToString,
  generateSchedule,
  scheduleToChromeTrace,
  scheduleToCsv,
  scheduleToSvg,
  simulateSchedule,
} from '../schedule/index.js';
import { ApiError, LIMITS } from '../contract/index.js';
import type { ScheduleResponse, ScheduleFormat, ScheduleRequest } from '../contract/index.js';

/** Default per-stage time of each of F, I and W when the request gives no stageTimes. */
const DEFAULT_PASS_SECONDS = 1e-3;

export interface SimulatedSchedule {
  readonly schedule: PipelineSchedule;
  readonly simulation: SimulationResult;
}

/** A rendered schedule: the body and its media type. */
export interface RenderedSchedule {
  readonly contentType: string;
  readonly body: string | ScheduleResponse | object;
}

/** Actions per (chunk, micro-batch, slice): F + B, or F + I + W for the zero-bubble schedules. */
function actionsPerUnit(kind: ScheduleKind): number {
  switch (kind) {
    case 'zb-h1':
    case 'zb-h2':
    case 'zb-v':
      return 3;
    case 'gpipe':
    case '1f1b':
    case 'interleaved-1f1b':
    case 'seq-slice-1f1b':
      return 2;
  }
}

/** Actions a schedule of this shape holds, all ranks together (before it is generated). */
export function scheduleActionCount(
  kind: ScheduleKind,
  stages: number,
  chunks: number,
  microBatches: number,
  slices: number,
): number {
  return stages * chunks * microBatches * slices * actionsPerUnit(kind);
}

/** 400 before generating when the schedule would hold more than LIMITS.scheduleActions actions. */
function checkActionCount(request: ScheduleRequest): void {
  const kind = request.schedule;
  const chunks =
    kind === 'zb-v' ? 2 : (request.virtualStages ?? (kind === 'interleaved-1f1b' ? 2 : 1));
  const slices = request.slices ?? 1;
  const total = scheduleActionCount(kind, request.stages, chunks, request.microBatches, slices);
  if (total > LIMITS.scheduleActions) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `microBatches: stages=${request.stages} × chunks=${chunks} × microBatches=${request.microBatches} × slices=${slices} × ${actionsPerUnit(kind)} actions = ${total} actions exceeds the limit of ${LIMITS.scheduleActions}`,
      { field: 'microBatches', details: { totalActions: total, limit: LIMITS.scheduleActions } },
    );
  }
}

function uniformCosts(numStages: number, request: ScheduleRequest): StageCosts {
  const times = request.stageTimes;
  const fill = (): number[] => Array.from({ length: numStages }, () => DEFAULT_PASS_SECONDS);
  return {
    forwardSeconds: times?.forwardSeconds ?? fill(),
    backwardInputSeconds: times?.backwardInputSeconds ?? fill(),
    backwardWeightSeconds: times?.backwardWeightSeconds ?? fill(),
    ...(request.p2pSeconds === undefined ? {} : { p2pSeconds: request.p2pSeconds }),
  };
}

/** POST /v1/schedules: bound, generate, simulate (ScheduleInputError → 400 naming the field). */
export function simulateRequestedSchedule(request: ScheduleRequest): SimulatedSchedule {
  checkActionCount(request);
  const domain: DomainScheduleRequest = {
    kind: request.schedule,
    numRanks: request.stages,
    numMicroBatches: request.microBatches,
    ...(request.virtualStages === undefined ? {} : { virtualStages: request.virtualStages }),
    ...(request.slices === undefined ? {} : { slices: request.slices }),
  };
  const schedule = generateSchedule(domain);
  return {
    schedule,
    simulation: simulateSchedule(schedule, uniformCosts(schedule.numStages, request)),
  };
}

/**
 * A cached plan's schedule, simulated with its own per-rank pass times (estimate.stages, one per
 * pipeline rank), split evenly over the rank's chunks. 422 when the plan does not pipeline.
 */
export function simulatePlanSchedule(plan: Plan): SimulatedSchedule {
  const s = plan.strategy;
  if (s.pp === 1) {
    throw new ApiError(
      'INFEASIBLE',
      'the plan does not pipeline (pipelineParallel=1): no schedule',
      {
        field: 'strategy.pipelineParallel',
        details: { reason: 'no-pipeline' },
      },
    );
  }
  const chunks =
    s.schedule === 'zb-v' ? 2 : s.schedule === 'interleaved-1f1b' ? s.virtualStages : 1;
  const slices = s.schedule === 'seq-slice-1f1b' ? s.sequenceSlices : 1;
  const actions = scheduleActionCount(s.schedule, s.pp, chunks, s.numMicroBatches, slices);
  if (actions > LIMITS.scheduleActions) {
    // A plan's schedule can be far larger than any POST /v1/schedules may ask (issue #17).
    throw new ApiError(
      'INFEASIBLE',
      `the plan's schedule holds ${actions} actions, over the ${LIMITS.scheduleActions} a schedule may render; use its estimate instead`,
      {
        field: 'id',
        details: { reason: 'schedule-too-large', actions, limit: LIMITS.scheduleActions },
      },
    );
  }
  const schedule = generateSchedule({
    kind: s.schedule,
    numRanks: s.pp,
    numMicroBatches: s.numMicroBatches,
    ...(s.schedule === 'interleaved-1f1b' ? { virtualStages: s.virtualStages } : {}),
    ...(s.schedule === 'seq-slice-1f1b' ? { slices: s.sequenceSlices } : {}),
  });
  const perChunk = (pick: (r: Plan['estimate']['stages'][number]) => number): number[] =>
    schedule.stageToRank.map((rank) => {
      const stage = plan.estimate.stages[rank];
      return stage === undefined ? 0 : pick(stage) / schedule.chunksPerRank;
    });
  const costs: StageCosts = {
    forwardSeconds: perChunk((r) => r.forwardSeconds),
    backwardInputSeconds: perChunk((r) => r.backwardInputSeconds),
    backwardWeightSeconds: perChunk((r) => r.backwardWeightSeconds),
  };
  return { schedule, simulation: simulateSchedule(schedule, costs) };
}

export function scheduleToApi({ schedule, simulation }: SimulatedSchedule): ScheduleResponse {
  return {
    schedule: schedule.kind,
    stages: schedule.numRanks,
    microBatches: schedule.numMicroBatches,
    virtualStages: schedule.chunksPerRank,
    slices: schedule.slicesPerMicroBatch,
    ranks: schedule.ranks.map((actions, rank) => ({
      rank,
      actions: actions.map(actionToString),
    })),
    timeline: simulation.timeline.map((e) => ({
      rank: e.rank,
      action: actionToString(e.action),
      startSeconds: e.startSeconds,
      endSeconds: e.endSeconds,
    })),
    makespanSeconds: simulation.makespanSeconds,
    bubbleFraction: simulation.bubbleFraction,
    bubbleFractionPerRank: [...simulation.bubbleFractionPerRank],
    peakActivationsInFlight: [...simulation.peakInFlightMicroBatches],
  };
}

export function renderSchedule(
  simulated: SimulatedSchedule,
  format: ScheduleFormat,
): RenderedSchedule {
  switch (format) {
    case 'json':
      return { contentType: 'application/json', body: scheduleToApi(simulated) };
    case 'csv':
      return { contentType: 'text/csv', body: scheduleToCsv(simulated.schedule) };
    case 'trace':
      return {
        contentType: 'application/json',
        body: scheduleToChromeTrace(simulated.schedule, simulated.simulation),
      };
    case 'svg':
      return {
        contentType: 'image/svg+xml',
        body: scheduleToSvg(simulated.schedule, simulated.simulation),
      };
  }
}
