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
  readonly error?: ScenarioError;
}

export const isFeasible = (r: ScenarioResult): r is ScenarioResult & { plan: Plan } =>
  r.plan !== null && r.error === undefined;
