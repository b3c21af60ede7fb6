/**
 * Study-level analysis, pure: the time-vs-cost Pareto frontier, scaling curves (throughput and
 * MFU against GPU count, one series per accelerator and model), and the cheapest scenario that
 * meets the deadline. Ties break on the scenario index, so the answer is reproducible.
 *
 * Scenarios of different models answer different questions (training an 8B model on the goal's
 * tokens is always cheaper and faster than a 70B one), so frontiers and the cheapest scenario are
 * found per model: a frontier point is only compared with points of its own model.
 */
import type { ScenarioResult } from './result.js';
import { isFeasible } from './result.js';

export interface FrontierPoint {
  readonly index: number;
  readonly label: string;
  readonly model: string;
  readonly acceleratorId: string;
  readonly timeToTrainDays: number;
  readonly costUsd: number;
}

/** Feasible rows with a cost, as (time, cost) points. */
export function costedPoints(results: readonly ScenarioResult[]): FrontierPoint[] {
  return results.filter(isFeasible).flatMap((r) =>
    r.timeToTrainDays === null || r.costUsd === null
      ? []
      : [
          {
            index: r.scenario.index,
            label: r.scenario.label,
            model: r.scenario.model,
            acceleratorId: r.plan.acceleratorId,
            timeToTrainDays: r.timeToTrainDays,
            costUsd: r.costUsd,
          },
        ],
  );
}

/** The models of a study, in the order their first scenario appears. */
export function studyModels(results: readonly ScenarioResult[]): string[] {
  return [...new Set(results.map((r) => r.scenario.model))];
}

/**
 * Non-dominated points of one model's scenarios: no other point is at least as fast and at least
 * as cheap and strictly better in one. Sort by (time, cost, index) and keep each point cheaper
 * than all before it. Returned fastest first.
 */
function frontierOf(points: readonly FrontierPoint[]): FrontierPoint[] {
  const sorted = [...points].sort(
    (a, b) => a.timeToTrainDays - b.timeToTrainDays || a.costUsd - b.costUsd || a.index - b.index,
  );
  const frontier: FrontierPoint[] = [];
  let cheapestSoFar = Infinity;
  for (const point of sorted) {
    if (point.costUsd < cheapestSoFar) {
      frontier.push(point);
      cheapestSoFar = point.costUsd;
    }
  }
  return frontier;
}

/**
 * The Pareto frontier of each model (points are never compared across models), model after
 * model in study order, each fastest first.
 */
export function paretoFrontier(results: readonly ScenarioResult[]): FrontierPoint[] {
  const points = costedPoints(results);
  return studyModels(results).flatMap((model) =>
    frontierOf(points.filter((p) => p.model === model)),
  );
}

export interface ScalingPoint {
  readonly gpus: number;
  readonly tokensPerSecond: number;
  readonly mfu: number;
  readonly index: number;
  readonly label: string;
}

export interface ScalingSeries {
  /** Accelerator id, plus the model when the study has several. */
  readonly name: string;
  readonly acceleratorId: string;
  readonly model: string;
  /** One point per GPU count (the best throughput among batch/sequence variants), ascending. */
  readonly points: readonly ScalingPoint[];
}

export function scalingCurves(results: readonly ScenarioResult[]): ScalingSeries[] {
  const feasible = results.filter(isFeasible);
  const models = new Set(feasible.map((r) => r.scenario.model));
  const series = new Map<
    string,
    { acceleratorId: string; model: string; byGpus: Map<number, ScalingPoint> }
  >();
  for (const r of feasible) {
    const name =
      models.size > 1 ? `${r.plan.acceleratorId} · ${r.scenario.model}` : r.plan.acceleratorId;
    const entry = series.get(name) ?? {
      acceleratorId: r.plan.acceleratorId,
      model: r.scenario.model,
      byGpus: new Map<number, ScalingPoint>(),
    };
    series.set(name, entry);
    const point: ScalingPoint = {
      gpus: r.plan.worldSize,
      tokensPerSecond: r.plan.estimate.tokensPerSecond,
      mfu: r.plan.estimate.mfu,
      index: r.scenario.index,
      label: r.scenario.label,
    };
    const current = entry.byGpus.get(point.gpus);
    if (current === undefined || point.tokensPerSecond > current.tokensPerSecond)
      entry.byGpus.set(point.gpus, point);
  }
  return [...series.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, s]) => ({
      name,
      acceleratorId: s.acceleratorId,
      model: s.model,
      points: [...s.byGpus.values()].sort((a, b) => a.gpus - b.gpus),
    }));
}

/**
 * Cheapest feasible scenario within the constraints that meets the deadline (any feasible one
 * when the goal has no deadline); ties → faster, then lower index. Null when none qualifies.
 */
export function cheapestMeetingDeadline(results: readonly ScenarioResult[]): ScenarioResult | null {
  let best: ScenarioResult | null = null;
  for (const r of results) {
    if (!isFeasible(r) || r.costUsd === null || r.timeToTrainDays === null) continue;
    if (r.meetsDeadline === false || r.violations.length > 0) continue;
    if (best === null || compare(r, best) < 0) best = r;
  }
  return best;
}

function compare(a: ScenarioResult, b: ScenarioResult): number {
  return (
    (a.costUsd ?? Infinity) - (b.costUsd ?? Infinity) ||
    (a.timeToTrainDays ?? Infinity) - (b.timeToTrainDays ?? Infinity) ||
    a.scenario.index - b.scenario.index
  );
}

/** One model's share of a study. */
export interface ModelAnalysis {
  readonly model: string;
  /** Its Pareto frontier of time to train vs cost, fastest first. */
  readonly frontier: readonly FrontierPoint[];
  readonly cheapestMeetingDeadline: ScenarioResult | null;
  readonly feasibleCount: number;
  readonly infeasibleCount: number;
}

export interface StudyAnalysis {
  /** The per-model frontiers, model after model (paretoFrontier). */
  readonly frontier: readonly FrontierPoint[];
  readonly scaling: readonly ScalingSeries[];
  /**
   * The cheapest scenario meeting the deadline over the whole study; with several models this
   * picks the cheapest model too — `models[i].cheapestMeetingDeadline` answers per model.
   */
  readonly cheapestMeetingDeadline: ScenarioResult | null;
  readonly feasibleCount: number;
  readonly infeasibleCount: number;
  /** Per model, in study order. */
  readonly models: readonly ModelAnalysis[];
}

function modelAnalysis(model: string, results: readonly ScenarioResult[]): ModelAnalysis {
  const own = results.filter((r) => r.scenario.model === model);
  const feasibleCount = own.filter(isFeasible).length;
  return {
    model,
    frontier: frontierOf(costedPoints(own)),
    cheapestMeetingDeadline: cheapestMeetingDeadline(own),
    feasibleCount,
    infeasibleCount: own.length - feasibleCount,
  };
}

export function analyseStudy(results: readonly ScenarioResult[]): StudyAnalysis {
  const feasibleCount = results.filter(isFeasible).length;
  return {
    frontier: paretoFrontier(results),
    scaling: scalingCurves(results),
    cheapestMeetingDeadline: cheapestMeetingDeadline(results),
    feasibleCount,
    infeasibleCount: results.length - feasibleCount,
    models: studyModels(results).map((model) => modelAnalysis(model, results)),
  };
}
