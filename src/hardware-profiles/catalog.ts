/**
 * The profile catalog: devices, cluster presets and the model zoo, in base SI units, as loaded
 * once by load.ts. Lookups here are pure and throw ProfileLookupError for unknown ids.
 */
import type { TransformerSpec } from '../model-spec/index.js';
import { ProfileLookupError } from './errors.js';
import type { ProfileLookupField } from './errors.js';
import type { ClusterMixFile } from './schema.js';
import type { AccuracyBands, DeviceProfile, LinkProfile } from './types.js';

/** A device's own scale-up and host links, used to default the links of a custom cluster. */
export interface DeviceLinks {
  /** NVLink/xGMI per GPU, per direction, aggregated over peers; null when the device has none. */
  readonly scaleUp: { readonly fabric: string; readonly bandwidthBytesPerSecond: number } | null;
  /** PCIe x16 wire rate of the device's generation, per direction. */
  readonly pcieBandwidthBytesPerSecond: number;
}

/** A named node type: the accelerator, its count per node and both link tiers (per GPU). */
export interface ClusterPreset {
  readonly id: string;
  readonly name: string;
  readonly deviceId: string;
  readonly gpusPerNode: number;
  readonly intraNode: LinkProfile;
  /** Per GPU: nicsPerNode × nicBandwidth / gpusPerNode. */
  readonly interNode: LinkProfile;
  readonly source: string;
  readonly notes: string;
}

export interface ModelZooEntry {
  readonly id: string;
  readonly name: string;
  /** Parameter count stated by the paper or model card; null when none is stated. */
  readonly publishedParameterCount: number | null;
  readonly spec: TransformerSpec;
  readonly source: string;
  readonly notes: string;
}

export interface ProfileCatalog {
  readonly devices: ReadonlyMap<string, DeviceProfile>;
  /** Same keys as `devices`. */
  readonly deviceLinks: ReadonlyMap<string, DeviceLinks>;
  readonly clusterPresets: ReadonlyMap<string, ClusterPreset>;
  readonly models: ReadonlyMap<string, ModelZooEntry>;
  /** Mixed-GPU cluster presets (profiles/cluster-mixes/), as their files say. */
  readonly clusterMixes: ReadonlyMap<string, ClusterMixFile>;
  /** The cost model's error on published runs (profiles/calibration/accuracy.json). */
  readonly accuracy: AccuracyBands;
}

function lookup<T>(map: ReadonlyMap<string, T>, field: ProfileLookupField, id: string): T {
  const found = map.get(id);
  if (found === undefined) {
    throw new ProfileLookupError(field, id, [...map.keys()].sort());
  }
  return found;
}

/** The device with this id, or ProfileLookupError(field 'accelerator'). */
export function findDevice(catalog: ProfileCatalog, id: string): DeviceProfile {
  return lookup(catalog.devices, 'accelerator', id);
}

/** The device's links with this id, or ProfileLookupError(field 'accelerator'). */
export function findDeviceLinks(catalog: ProfileCatalog, id: string): DeviceLinks {
  return lookup(catalog.deviceLinks, 'accelerator', id);
}

/** The cluster preset with this id, or ProfileLookupError(field 'preset'). */
export function findClusterPreset(catalog: ProfileCatalog, id: string): ClusterPreset {
  return lookup(catalog.clusterPresets, 'preset', id);
}

/** The zoo model with this id, or ProfileLookupError(field 'model'). */
export function findModel(catalog: ProfileCatalog, id: string): ModelZooEntry {
  return lookup(catalog.models, 'model', id);
}
