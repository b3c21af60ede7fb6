/**
 * Heterogeneous clusters: node groups, each homogeneous (one accelerator, one node type), joined
 * by an inter-group network (issue #5). A homogeneous cluster is the one-group case. Pure: the
 * builder takes already-read JSON; file loading stays in load.ts.
 *
 * JSON shape (human units, converted here exactly once, STYLE.md §3):
 *   { groups: [ { preset, nodes } | { accelerator, gpusPerNode, nodes, intraNode?, interNode? } ],
 *     interGroup?: { bandwidthGBps, latencyMicroseconds, efficiency? } }
 */
import type { ProfileCatalog } from './catalog.js';
import { clusterFromPreset, customCluster } from './cluster.js';
import type { CustomInterNode, CustomIntraNode } from './cluster.js';
import { ProfileInputError } from './errors.js';
import type { ClusterProfile, LinkProfile } from './types.js';
import { worldSize } from './types.js';
import { BYTES_PER_SECOND_PER_GBPS, SECONDS_PER_MICROSECOND } from '../base/units.js';

/** A cluster of homogeneous node groups plus the network between groups. */
export interface HeterogeneousCluster {
  readonly id: string;
  /** Each group is a homogeneous ClusterProfile (one accelerator type, one node type). */
  readonly groups: readonly ClusterProfile[];
  /**
   * The network between any two groups, as AGGREGATE bandwidth of the uplink between them (not
   * per GPU): concurrent transfers across groups share it.
   */
  readonly interGroup: LinkProfile;
}

/** One node group: a preset node type repeated, or a custom node description. */
export type HeteroGroupSpec =
  | { readonly preset: string; readonly nodes: number }
  | {
      readonly accelerator: string;
      readonly gpusPerNode: number;
      readonly nodes: number;
      readonly intraNode?: CustomIntraNode;
      readonly interNode?: CustomInterNode;
    };

/** The inter-group network in human units: aggregate GB/s (10^9 bytes/s) per direction, µs. */
export interface InterGroupSpec {
  readonly bandwidthGBps: number;
  readonly latencyMicroseconds: number;
  readonly efficiency?: number;
}

export interface HeteroClusterSpec {
  readonly id?: string;
  readonly groups: readonly HeteroGroupSpec[];
  readonly interGroup?: InterGroupSpec;
}

/**
 * Default inter-group efficiency: 0.9, between CX-7 NDR's 0.94 and 100 GbE's 0.85 used by the
 * shipped cluster presets (profiles/clusters/*.json notes); override per preset.
 */
const DEFAULT_INTER_GROUP_EFFICIENCY = 0.9;

function groupFromSpec(catalog: ProfileCatalog, spec: HeteroGroupSpec): ClusterProfile {
  if ('preset' in spec) return clusterFromPreset(catalog, spec.preset, spec.nodes);
  const input = {
    accelerator: spec.accelerator,
    gpusPerNode: spec.gpusPerNode,
    nodes: spec.nodes,
    ...(spec.intraNode === undefined ? {} : { intraNode: spec.intraNode }),
    ...(spec.interNode === undefined ? {} : { interNode: spec.interNode }),
  };
  return customCluster(catalog, input);
}

/**
 * Default inter-group link when none is given: the slowest group's whole-node scale-out
 * bandwidth (per-GPU inter-node bandwidth × GPUs per node: one node's NICs), its largest latency
 * and lowest efficiency — the groups are assumed to share one fabric, reached through one node.
 */
export function defaultInterGroupLink(groups: readonly ClusterProfile[]): LinkProfile {
  const nodeBandwidth = groups.map((g) => g.interNode.bandwidthBytesPerSecond * g.gpusPerNode);
  return {
    bandwidthBytesPerSecond: Math.min(...nodeBandwidth),
    latencySeconds: Math.max(...groups.map((g) => g.interNode.latencySeconds)),
    efficiency: Math.min(...groups.map((g) => g.interNode.efficiency)),
  };
}

function interGroupFromSpec(spec: InterGroupSpec): LinkProfile {
  const efficiency = spec.efficiency ?? DEFAULT_INTER_GROUP_EFFICIENCY;
  if (!(spec.bandwidthGBps > 0) || !Number.isFinite(spec.bandwidthGBps)) {
    throw new ProfileInputError(
      'interGroup.bandwidthGBps',
      `must be positive, got ${spec.bandwidthGBps}`,
    );
  }
  if (!(spec.latencyMicroseconds >= 0) || !Number.isFinite(spec.latencyMicroseconds)) {
    throw new ProfileInputError(
      'interGroup.latencyMicroseconds',
      `must be non-negative, got ${spec.latencyMicroseconds}`,
    );
  }
  if (!(efficiency > 0 && efficiency <= 1)) {
    throw new ProfileInputError('interGroup.efficiency', `must be in (0, 1], got ${efficiency}`);
  }
  return {
    bandwidthBytesPerSecond: spec.bandwidthGBps * BYTES_PER_SECOND_PER_GBPS,
    latencySeconds: spec.latencyMicroseconds * SECONDS_PER_MICROSECOND,
    efficiency,
  };
}

/** Build a HeterogeneousCluster from its JSON shape (reuses clusterFromPreset / customCluster). */
export function heteroClusterFromSpec(
  catalog: ProfileCatalog,
  spec: HeteroClusterSpec,
): HeterogeneousCluster {
  if (spec.groups.length === 0) {
    throw new ProfileInputError('cluster.groups', 'needs at least one node group');
  }
  const groups = spec.groups.map((g) => groupFromSpec(catalog, g));
  return {
    id: spec.id ?? 'custom-mix',
    groups,
    interGroup:
      spec.interGroup === undefined
        ? defaultInterGroupLink(groups)
        : interGroupFromSpec(spec.interGroup),
  };
}

/** A homogeneous cluster as the one-group heterogeneous cluster. */
export function heteroFromHomogeneous(cluster: ClusterProfile): HeterogeneousCluster {
  return { id: cluster.id, groups: [cluster], interGroup: cluster.interNode };
}

/** Total GPUs over all groups. */
export function heteroWorldSize(cluster: HeterogeneousCluster): number {
  return cluster.groups.reduce((sum, g) => sum + worldSize(g), 0);
}

/** A preset file of profiles/cluster-mixes/: the spec plus provenance. */
export interface HeteroClusterPresetFile extends HeteroClusterSpec {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly notes: string;
}
