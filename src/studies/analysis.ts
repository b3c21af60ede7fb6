/**
 * Study-level analysis, pure: the time-vs-cost Pareto frontier, scaling curves (throughput and
 * MFU against GPU count, one series per accelerator and model), and the cheapest scenario that
 * meets the deadline. Ties break on the scenario index, so the answer is reproducible.
 */
import type { ScenarioResult } from './result.js';
import { isFeasible } from './result.js';

export interface FrontierPoint {
  readonly index: number;
  readonly label: string;
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
            acceleratorId: r.plan.acceleratorId,
            timeToTrainDays: r.timeToTrainDays,
            costUsd: r.costUsd,
          },
        ],
  );
}

/**
 * Non-dominated points: no other point is at least as fast and at least as cheap and strictly
 * better in one. Sort by (time, cost, index) and keep each point cheaper than all before it.
 * Returned fastest first.
 */
export function paretoFrontier(results: readonly ScenarioResult[]): FrontierPoint[] {
  const sorted = costedPoints(results).sort(
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

export interface StudyAnalysis {
  readonly frontier: readonly FrontierPoint[];
  readonly scaling: readonly ScalingSeries[];
  readonly cheapestMeetingDeadline: ScenarioResult | null;
  readonly feasibleCount: number;
  readonly infeasibleCount: number;
}

export function analyseStudy(results: readonly ScenarioResult[]): StudyAnalysis {
  const feasibleCount = results.filter(isFeasible).length;
  return {
    frontier: paretoFrontier(results),
    scaling: scalingCurves(results),
    cheapestMeetingDeadline: cheapestMeetingDeadline(results),
    feasibleCount,
    infeasibleCount: results.length - feasibleCount,
  };
}
