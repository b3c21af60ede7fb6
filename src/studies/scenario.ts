/**
 * One scenario, pure: map inputs → plan with the full search → time-to-train, GPU-hours, cost,
 * energy (formulas in energy.ts). User-caused failures become an `error` row; only bugs throw.
 */
import { PlanningError } from '../costmodel/index.js';
import { ModelInputError } from '../model-spec/index.js';
import type { ClusterProfile, ProfileCatalog } from '../hardware-profiles/index.js';
import { ProfileInputError, ProfileLookupError, worldSize } from '../hardware-profiles/index.js';
import type { Plan } from '../plan/index.js';
import { planTraining } from '../search/index.js';
import { energyKwh, gpuHours, powerWattsPerGpu, timeToTrainDays } from './energy.js';
import {
  clusterFromStudyInput,
  clusterLabel,
  graphFromStudyModel,
  modelLabel,
} from './model-input.js';
import type { ScenarioLabel, ScenarioResult } from './result.js';
import type { Scenario } from './spec.js';

function labelOf(scenario: Scenario, cluster: ClusterProfile | null): ScenarioLabel {
  const model = modelLabel(scenario.model);
  const clusterName = clusterLabel(scenario.cluster);
  const { globalBatchSize, sequenceLength } = scenario.training;
  return {
    index: scenario.index,
    label: `${model} · ${clusterName} · gbs ${globalBatchSize} · seq ${sequenceLength}`,
    model,
    cluster: clusterName,
    acceleratorId: cluster?.device.id ?? null,
    nodes: scenario.cluster.nodes,
    gpus: cluster === null ? null : worldSize(cluster),
    globalBatchSize,
    sequenceLength,
  };
}

function failed(label: ScenarioLabel, reason: string, message: string): ScenarioResult {
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

const isUserError = (e: unknown): e is Error =>
  e instanceof ProfileLookupError || e instanceof ProfileInputError || e instanceof ModelInputError;

/**
 * A study row keeps the schedule's summary (makespan, bubble, in-flight) but not the per-rank
 * action lists: hundreds of rows × p·m·v actions would bloat the store, the SSE stream and the
 * server's heap (GC pauses), and POST /v1/plans returns them for the scenario a user picks.
 */
function withoutActionLists(plan: Plan): Plan {
  if (plan.schedule === null) return plan;
  return { ...plan, schedule: { ...plan.schedule, ranks: [] } };
}

/** Numbers of a feasible plan, given the study's goal, prices and energy parameters. */
export function resultFromPlan(
  scenario: Scenario,
  label: ScenarioLabel,
  plan: Plan,
  cluster: ClusterProfile,
): ScenarioResult {
  const days = timeToTrainDays(scenario.goalTokens, plan.estimate.tokensPerSecond);
  const hours = gpuHours(plan.worldSize, days);
  const price = scenario.prices[plan.acceleratorId] ?? cluster.device.priceUsdPerGpuHour;
  const notes: string[] = [];
  if (price === null)
    notes.push(`no price for ${plan.acceleratorId}: add prices.${plan.acceleratorId} to the spec`);
  const costUsd = price === null ? null : hours * price;
  const watts = powerWattsPerGpu(
    cluster.device.tdpWatts,
    plan.estimate.hfu,
    scenario.idlePowerFraction,
  );
  const violations: string[] = [];
  if (scenario.maxCostUsd !== null && costUsd !== null && costUsd > scenario.maxCostUsd) {
    violations.push('maxCostUsd');
  }
  return {
    scenario: label,
    plan: withoutActionLists(plan),
    timeToTrainDays: days,
    gpuHours: hours,
    priceUsdPerGpuHour: price,
    costUsd,
    energyKwh: energyKwh(hours, watts, scenario.pue),
    ...(scenario.deadlineDays === null ? {} : { meetsDeadline: days <= scenario.deadlineDays }),
    violations,
    notes,
  };
}

export function runScenario(catalog: ProfileCatalog, scenario: Scenario): ScenarioResult {
  let cluster: ClusterProfile | null = null;
  try {
    cluster = clusterFromStudyInput(catalog, scenario.cluster);
    const label = labelOf(scenario, cluster);
    const gpus = worldSize(cluster);
    if (scenario.maxGpus !== null && gpus > scenario.maxGpus) {
      return {
        ...failed(
          label,
          'over-max-gpus',
          `${gpus} GPUs exceeds constraints.maxGpus=${scenario.maxGpus}`,
        ),
        violations: ['maxGpus'],
      };
    }
    const result = planTraining({
      graph: graphFromStudyModel(catalog, scenario.model, scenario.training.sequenceLength),
      cluster,
      training: scenario.training,
      constraints: {},
      objective: 'fastest',
      topK: scenario.topK,
      stepTimeTargetSeconds: null,
      maxCandidates: scenario.maxCandidates,
      // A study's cluster axis is the GPU count under test: each scenario plans on exactly its
      // GPUs, so scaling curves and cost per scenario mean what their labels say.
      allowIdleNodes: false,
    });
    return resultFromPlan(scenario, label, result.best, cluster);
  } catch (error) {
    const label = labelOf(scenario, cluster);
    if (error instanceof PlanningError) return failed(label, error.reason, error.message);
    if (isUserError(error)) return failed(label, 'invalid-input', error.message);
    throw error;
  }
}
