/** hardware-profiles: load + validate profiles/ once, convert units once; lookups and clusters. */
export type {
  ClusterProfile,
  DeviceProfile,
  EfficiencyPoint,
  LinkProfile,
  NumericFormat,
  Precision,
  RuntimeMemory,
  AccuracyBands,
  ErrorBand,
} from './types.js';
export { worldSize } from './types.js';
export type { ClusterPreset, DeviceLinks, ModelZooEntry, ProfileCatalog } from './catalog.js';
export { findClusterPreset, findDevice, findDeviceLinks, findModel } from './catalog.js';
export type { CustomClusterInput, CustomInterNode, CustomIntraNode } from './cluster.js';
export { clusterFromPreset, customCluster } from './cluster.js';
export type { ProfileLookupField } from './errors.js';
export { ProfileFileError, ProfileInputError, ProfileLookupError } from './errors.js';
export { defaultProfilesDir, loadProfileCatalog } from './load.js';
export type { ClusterFile, DeviceFile, ModelFile } from './schema.js';
export {
  AccuracyFileSchema,
  ClusterFileSchema,
  DeviceFileSchema,
  ModelFileSchema,
} from './schema.js';
export type { AccuracyFile } from './schema.js';
export type {
  HeteroClusterPresetFile,
  HeteroClusterSpec,
  HeteroGroupSpec,
  HeterogeneousCluster,
  InterGroupSpec,
} from './hetero.js';
export {
  defaultInterGroupLink,
  heteroClusterFromSpec,
  heteroFromHomogeneous,
  heteroWorldSize,
} from './hetero.js';
export type { ClusterMixFile } from './schema.js';
