/**
 * One scenario, pure: plan with the full search → time-to-train, GPU-hours, cost, energy
 * (formulas in energy.ts). User-caused infeasibility becomes an `error` row; only bugs throw.
 */
import { PlanningError } from '../costmodel/index.js';
import type { TrainingConfig } from '../costmodel/index.js';
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { worldSize } from '../hardware-profiles/index.js';
import type { Plan } from '../plan/index.js';
import { planTraining } from '../search/index.js';
import { energyKwh, gpuHours, powerWattsPerGpu, timeToTrainDays } from './energy.js';
import type { ScenarioLabel, ScenarioResult, ScenarioSearch } from './result.js';

/** A scenario's goal, economics and search budget: everything but its model and cluster. */
export interface ScenarioTerms {
  readonly training: TrainingConfig;
  readonly topK: number;
  readonly maxCandidates: number;
  /** Training tokens of the goal. */
  readonly goalTokens: number;
  readonly deadlineDays: number | null;
  /** USD per GPU-hour by accelerator id, over the device's list price. */
  readonly prices: Readonly<Record<string, number>>;
  readonly maxGpus: number | null;
  readonly maxCostUsd: number | null;
  /** Data-centre power usage effectiveness (facility / IT power). */
  readonly pue: number;
  /** GPU power when idle, as a fraction of TDP. */
  readonly idlePowerFraction: number;
}

/** What one scenario asks, in domain terms: the model and cluster already mapped. */
export interface ScenarioProblem extends ScenarioTerms {
  readonly label: ScenarioLabel;
  readonly graph: ModelGraph;
  readonly cluster: ClusterProfile;
}

/** The row of a scenario that has no plan: a reason and a message, every number null. */
export function failedScenario(
  label: ScenarioLabel,
  reason: string,
  message: string,
): ScenarioResult {
  return {
    scenario: label,
    plan: null,
    timeToTrainDays: null,
    gpuHours: null,
    priceUsdPerGpuHour: null,
    costUsd: null,
    energyKwh: null,
    violations: [],
    notes: [],
    error: { reason, message },
  };
}

/**
 * A study row keeps the schedule's summary (makespan, bubble, in-flight) but not the per-rank
 * action lists: hundreds of rows × p·m·v actions would bloat the store, the SSE stream and the
 * server's heap (GC pauses), and POST /v1/plans returns them for the scenario a user picks.
 */
function withoutActionLists(plan: Plan): Plan {
  if (plan.schedule === null) return plan;
  return { ...plan, schedule: { ...plan.schedule, ranks: [] } };
}

/** A truncated search says so in the row's notes, with how far from best its plan may be. */
function searchNotes(search: ScenarioSearch | undefined, maxCandidates: number): string[] {
  if (search === undefined || !search.truncated) return [];
  const percent = (search.gapFraction * 100).toFixed(1);
  return [
    `search stopped at search.maxCandidates=${maxCandidates}: the plan is the best found so far, at most ${percent}% slower per step than the best possible (raise search.maxCandidates for an exact answer)`,
  ];
}

/** Numbers of a feasible plan, given the study's goal, prices and energy parameters. */
export function resultFromPlan(
  p: ScenarioProblem,
  plan: Plan,
  search?: ScenarioSearch,
): ScenarioResult {
  const days = timeToTrainDays(p.goalTokens, plan.estimate.tokensPerSecond);
  const hours = gpuHours(plan.worldSize, days);
  const price = p.prices[plan.acceleratorId] ?? p.cluster.device.priceUsdPerGpuHour;
  const notes: string[] = searchNotes(search, p.maxCandidates);
  if (price === null)
    notes.push(`no price for ${plan.acceleratorId}: add prices.${plan.acceleratorId} to the spec`);
  const costUsd = price === null ? null : hours * price;
  const watts = powerWattsPerGpu(p.cluster.device.tdpWatts, plan.estimate.hfu, p.idlePowerFraction);
  const violations: string[] = [];
  if (p.maxCostUsd !== null && costUsd !== null && costUsd > p.maxCostUsd) {
    violations.push('maxCostUsd');
  }
  return {
    scenario: p.label,
    plan: withoutActionLists(plan),
    timeToTrainDays: days,
    gpuHours: hours,
    priceUsdPerGpuHour: price,
    costUsd,
    energyKwh: energyKwh(hours, watts, p.pue),
    ...(p.deadlineDays === null ? {} : { meetsDeadline: days <= p.deadlineDays }),
    violations,
    notes,
    ...(search === undefined ? {} : { search }),
  };
}

export function evaluateScenario(p: ScenarioProblem): ScenarioResult {
  const gpus = worldSize(p.cluster);
  if (p.maxGpus !== null && gpus > p.maxGpus) {
    return {
      ...failedScenario(
        p.label,
        'over-max-gpus',
        `${gpus} GPUs exceeds constraints.maxGpus=${p.maxGpus}`,
      ),
      violations: ['maxGpus'],
    };
  }
  try {
    const result = planTraining({
      graph: p.graph,
      cluster: p.cluster,
      training: p.training,
      constraints: {},
      objective: 'fastest',
      topK: p.topK,
      stepTimeTargetSeconds: null,
      maxCandidates: p.maxCandidates,
      // A study's cluster axis is the GPU count under test: each scenario plans on exactly its
      // GPUs, so scaling curves and cost per scenario mean what their labels say.
      allowIdleNodes: false,
    });
    const { candidates, truncated, lowerBoundSeconds, gapFraction } = result.search;
    return resultFromPlan(p, result.best, {
      candidates,
      truncated,
      lowerBoundSeconds,
      gapFraction,
    });
  } catch (error) {
    if (error instanceof PlanningError) return failedScenario(p.label, error.reason, error.message);
    throw error;
  }
}
