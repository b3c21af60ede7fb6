/** Checks every model and cluster of a spec against the catalog once, before any planning. */
import { ModelInputError } from '../model-spec/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { ProfileInputError, ProfileLookupError } from '../hardware-profiles/index.js';
import type { StudyInputReason } from './errors.js';
import { StudyInputError } from './errors.js';
import { clusterFromStudyInput, specFromStudyModel } from './model-input.js';
import type { StudySpec } from './spec.js';

const LOOKUP_REASON: Readonly<Record<ProfileLookupError['field'], StudyInputReason>> = {
  model: 'unknown-model',
  accelerator: 'unknown-accelerator',
  preset: 'unknown-preset',
};

function rethrow(error: unknown, field: string): never {
  if (error instanceof ProfileLookupError) {
    throw new StudyInputError(LOOKUP_REASON[error.field], `${field}: ${error.message}`, field, {
      id: error.id,
      validIds: error.validIds,
    });
  }
  if (error instanceof ProfileInputError || error instanceof ModelInputError) {
    throw new StudyInputError('invalid-input', `${field}: ${error.message}`, field);
  }
  throw error;
}

export function validateStudyAgainstCatalog(catalog: ProfileCatalog, spec: StudySpec): void {
  spec.axes.models.forEach((model, i) => {
    try {
      specFromStudyModel(catalog, model);
    } catch (error) {
      rethrow(error, `axes.models[${i}]`);
    }
  });
  spec.axes.clusters.forEach((cluster, i) => {
    try {
      clusterFromStudyInput(catalog, cluster);
    } catch (error) {
      rethrow(error, `axes.clusters[${i}]`);
    }
  });
  for (const id of Object.keys(spec.prices ?? {})) {
    if (!catalog.devices.has(id)) {
      throw new StudyInputError(
        'unknown-accelerator',
        `prices: unknown accelerator '${id}'`,
        `prices.${id}`,
        {
          id,
          validIds: [...catalog.devices.keys()],
        },
      );
    }
  }
}
