/** Per-scenario result rows (domain types; the API maps `plan` to its Plan shape). */
import type { Plan } from '../plan/index.js';

export interface ScenarioLabel {
  readonly index: number;
  /** "model · cluster · gbs N · seq N". */
  readonly label: string;
  readonly model: string;
  readonly cluster: string;
  readonly acceleratorId: string | null;
  readonly nodes: number;
  readonly gpus: number | null;
  readonly globalBatchSize: number;
  readonly sequenceLength: number;
}

export interface ScenarioError {
  /** PlanningError reason, 'over-max-gpus', 'invalid-input', or 'internal' (never cached). */
  readonly reason: string;
  readonly message: string;
}

/** How the scenario's search ended (anytime search, issue #13): exact, or stopped at its cap. */
export interface ScenarioSearch {
  readonly candidates: number;
  /** True when search.maxCandidates stopped the search before it proved its plan best. */
  readonly truncated: boolean;
  /** Lower bound on the best step time of the whole space, seconds. */
  readonly lowerBoundSeconds: number;
  /** (plan step time − lowerBoundSeconds) / plan step time: 0 when exact. */
  readonly gapFraction: number;
}

export interface ScenarioResult {
  readonly scenario: ScenarioLabel;
  /** The best plan of the full search; null when infeasible. */
  readonly plan: Plan | null;
  readonly timeToTrainDays: number | null;
  readonly gpuHours: number | null;
  readonly priceUsdPerGpuHour: number | null;
  readonly costUsd: number | null;
  readonly energyKwh: number | null;
  /** Present when the goal has a deadline. */
  readonly meetsDeadline?: boolean;
  /** Spec constraints this scenario breaks ('maxGpus', 'maxCostUsd'). */
  readonly violations: readonly string[];
  readonly notes: readonly string[];
  /** Present when the scenario was planned. */
  readonly search?: ScenarioSearch;
  readonly error?: ScenarioError;
}

export const isFeasible = (r: ScenarioResult): r is ScenarioResult & { plan: Plan } =>
  r.plan !== null && r.error === undefined;
