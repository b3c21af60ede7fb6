/**
 * Checks every model and cluster of a spec once, before any planning, with the plan API's own
 * mappers (size caps, world-size cap, catalog lookups); failures name the axis entry.
 */
import { DomainError } from '../../base/index.js';
import type { StudySpec } from '../../contract/index.js';
import type { ProfileCatalog } from '../../hardware-profiles/index.js';
import { ProfileLookupError } from '../../hardware-profiles/index.js';
import type { StudyInputReason } from '../../studies/index.js';
import { StudyInputError } from '../../studies/index.js';
import { clusterFromInput, specFromModelInput } from '../map-request.js';

const LOOKUP_REASON: Readonly<Record<ProfileLookupError['field'], StudyInputReason>> = {
  model: 'unknown-model',
  accelerator: 'unknown-accelerator',
  preset: 'unknown-preset',
};

function check(field: string, map: () => unknown): void {
  try {
    map();
  } catch (error) {
    if (error instanceof ProfileLookupError) {
      throw new StudyInputError(LOOKUP_REASON[error.field], `${field}: ${error.message}`, field, {
        id: error.id,
        validIds: error.validIds,
      });
    }
    if (error instanceof DomainError) {
      throw new StudyInputError('invalid-input', `${field}: ${error.message}`, field);
    }
    throw error;
  }
}

export function validateStudyAgainstCatalog(catalog: ProfileCatalog, spec: StudySpec): void {
  spec.axes.models.forEach((model, i) => {
    check(`axes.models[${i}]`, () => specFromModelInput(catalog, model));
  });
  spec.axes.clusters.forEach((cluster, i) => {
    check(`axes.clusters[${i}]`, () => clusterFromInput(catalog, cluster));
  });
  for (const id of Object.keys(spec.prices ?? {})) {
    if (!catalog.devices.has(id)) {
      throw new StudyInputError(
        'unknown-accelerator',
        `prices: unknown accelerator '${id}'`,
        `prices.${id}`,
        { id, validIds: [...catalog.devices.keys()] },
      );
    }
  }
}
