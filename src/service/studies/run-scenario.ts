/**
 * One study scenario in a worker: its model and cluster mapped by the plan API's own mappers
 * (same size caps, same world-size cap, same lookups), then the pure what-if evaluation of
 * studies/. A scenario whose input cannot be mapped becomes an error row; only bugs throw.
 */
import type { ClusterInput, ModelInput } from '../../contract/index.js';
import { DomainError } from '../../base/index.js';
import type { ClusterProfile, ProfileCatalog } from '../../hardware-profiles/index.js';
import { worldSize } from '../../hardware-profiles/index.js';
import { buildModelGraph } from '../../graph/index.js';
import type { ScenarioLabel, ScenarioResult } from '../../studies/index.js';
import { evaluateScenario, failedScenario } from '../../studies/index.js';
import { clusterFromInput, specFromModelInput } from '../map-request.js';
import type { Scenario } from './scenarios.js';

/** A short human label: zoo id, explicit name, or the config's own name. */
export function modelLabel(model: ModelInput): string {
  if (typeof model === 'string') return model;
  if ('transformer' in model) return model.transformer.name ?? 'custom-transformer';
  const name = model.huggingFaceConfig['_name_or_path'] ?? model.huggingFaceConfig['model_type'];
  return typeof name === 'string' ? name : 'hf-config';
}

export function clusterLabel(cluster: ClusterInput): string {
  return 'preset' in cluster
    ? `${cluster.preset}×${cluster.nodes}`
    : `${cluster.accelerator}:${cluster.gpusPerNode}×${cluster.nodes}`;
}

export function scenarioLabel(scenario: Scenario, cluster: ClusterProfile | null): ScenarioLabel {
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

export function runScenario(catalog: ProfileCatalog, scenario: Scenario): ScenarioResult {
  let cluster: ClusterProfile | null = null;
  try {
    cluster = clusterFromInput(catalog, scenario.cluster);
    const spec = specFromModelInput(catalog, scenario.model);
    return evaluateScenario({
      ...scenario,
      label: scenarioLabel(scenario, cluster),
      graph: buildModelGraph(spec, scenario.training.sequenceLength),
      cluster,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return failedScenario(scenarioLabel(scenario, cluster), 'invalid-input', error.message);
  }
}
