/** The row for a scenario that failed because of a bug or a lost worker (never cached). */
import { clusterLabel, modelLabel } from '../run-scenario.js';
import type { ScenarioResult } from '../../../studies/index.js';
import type { Scenario } from '../scenarios.js';

export function internalErrorResult(scenario: Scenario, message: string): ScenarioResult {
  const model = modelLabel(scenario.model);
  const cluster = clusterLabel(scenario.cluster);
  const { globalBatchSize, sequenceLength } = scenario.training;
  return {
    scenario: {
      index: scenario.index,
      label: `${model} · ${cluster} · gbs ${globalBatchSize} · seq ${sequenceLength}`,
      model,
      cluster,
      acceleratorId: null,
      nodes: scenario.cluster.nodes,
      gpus: null,
      globalBatchSize,
      sequenceLength,
    },
    plan: null,
    timeToTrainDays: null,
    gpuHours: null,
    priceUsdPerGpuHour: null,
    costUsd: null,
    energyKwh: null,
    violations: [],
    notes: [],
    error: { reason: 'internal', message },
  };
}
