/**
 * Model and cluster inputs of a study axis: the same JSON shapes as the plan API's `model` and
 * `cluster` fields (openapi.yaml ModelInput / ClusterInput), mapped to domain types.
 *
 * Why a copy: src/studies must not import src/api (eslint layering, STYLE.md §2), and the API's
 * schemas live there. Keep these in step with src/api/schemas.ts (a test in
 * test/studies/spec.test.ts parses the same inputs with both).
 */
import { z } from 'zod';
import type { ModelGraph } from '../graph/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import { buildModelGraph, transformerFromHuggingFaceConfig } from '../graph/index.js';
import {
  TransformerInputSchema,
  checkSpecLimits,
  specFromExplicitTransformer,
} from '../model-spec/index.js';
import type { ClusterProfile, ProfileCatalog } from '../hardware-profiles/index.js';
import { clusterFromPreset, customCluster, findModel } from '../hardware-profiles/index.js';

const positiveInt = (max: number) => z.int().min(1).max(max);
const id = z.string().min(1).max(200);

export const StudyModelInput = z.union([
  id,
  z.strictObject({ huggingFaceConfig: z.record(z.string(), z.unknown()) }),
  z.strictObject({ transformer: TransformerInputSchema }),
]);

const link = {
  latencyMicroseconds: z.number().min(0).exactOptional(),
  efficiency: z.number().positive().max(1).exactOptional(),
};

export const StudyClusterInput = z.union([
  z.strictObject({ preset: id, nodes: positiveInt(65_536) }),
  z.strictObject({
    accelerator: id,
    gpusPerNode: positiveInt(1024),
    nodes: positiveInt(65_536),
    intraNode: z.strictObject({ bandwidthGBps: z.number().positive(), ...link }).exactOptional(),
    interNode: z
      .strictObject({
        nicsPerNode: positiveInt(1024).exactOptional(),
        nicBandwidthGBps: z.number().positive(),
        ...link,
      })
      .exactOptional(),
  }),
]);

export type StudyModelInput = z.output<typeof StudyModelInput>;
export type StudyClusterInput = z.output<typeof StudyClusterInput>;

/** Largest world size a scenario may ask for (the plan API's LIMITS.worldSize). */
export const MAX_SCENARIO_GPUS = 65_536;

export function specFromStudyModel(
  catalog: ProfileCatalog,
  model: StudyModelInput,
): TransformerSpec {
  if (typeof model === 'string') return findModel(catalog, model).spec;
  if ('huggingFaceConfig' in model) {
    return checkSpecLimits(
      transformerFromHuggingFaceConfig(model.huggingFaceConfig),
      'huggingFaceConfig',
    );
  }
  return checkSpecLimits(specFromExplicitTransformer(model.transformer), 'transformer');
}

export function graphFromStudyModel(
  catalog: ProfileCatalog,
  model: StudyModelInput,
  sequenceLengthTokens: number,
): ModelGraph {
  return buildModelGraph(specFromStudyModel(catalog, model), sequenceLengthTokens);
}

export function clusterFromStudyInput(
  catalog: ProfileCatalog,
  input: StudyClusterInput,
): ClusterProfile {
  return 'preset' in input
    ? clusterFromPreset(catalog, input.preset, input.nodes)
    : customCluster(catalog, input);
}

/** A short human label: zoo id, explicit name, or "custom". */
export function modelLabel(model: StudyModelInput): string {
  if (typeof model === 'string') return model;
  if ('transformer' in model) return model.transformer.name ?? 'custom-transformer';
  const name = model.huggingFaceConfig['_name_or_path'] ?? model.huggingFaceConfig['model_type'];
  return typeof name === 'string' ? name : 'hf-config';
}

export function clusterLabel(cluster: StudyClusterInput): string {
  return 'preset' in cluster
    ? `${cluster.preset}×${cluster.nodes}`
    : `${cluster.accelerator}:${cluster.gpusPerNode}×${cluster.nodes}`;
}
