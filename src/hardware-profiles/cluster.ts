/**
 * Building a ClusterProfile from a preset or from a custom description (pure; no I/O).
 */
import { findClusterPreset, findDevice, findDeviceLinks } from './catalog.js';
import type { ProfileCatalog } from './catalog.js';
import { ProfileInputError } from './errors.js';
import type { ClusterProfile, LinkProfile } from './types.js';
import {
  BYTES_PER_SECOND_PER_GBITPS,
  BYTES_PER_SECOND_PER_GBPS,
  SECONDS_PER_MICROSECOND,
} from '../base/units.js';

/**
 * Defaults for custom clusters, from hardware.md (§2.2, §2.3, §2.5). They are link-tier
 * assumptions, not device data, so they live here rather than in profiles/.
 */
const CUSTOM_DEFAULTS = {
  /** Ring busbw / per-direction NVLink spec: 0.76 (B200) to 0.82 (H100); hardware.md §2.2. */
  scaleUpEfficiency: 0.8,
  /** NCCL ring Simple hwLat NVLink 3.4 µs plus overhead (tuning.cc; hardware.md §2.5). */
  scaleUpLatencyMicroseconds: 5,
  /** SimAI calbusbw.h: PCIe effective = 0.8 × theoretical. */
  pcieEfficiency: 0.8,
  /** NCCL ring Simple hwLat PCI 5.7 µs (tuning.cc; hardware.md §2.5). */
  pcieLatencyMicroseconds: 6,
  /** One 400 Gb/s NDR NIC per GPU, the DGX/HGX H100 layout (hardware.md §1b). */
  nicBandwidthGbitps: 400,
  /** CX-7 NDR reaches 46–49 of 50 GB/s per NIC (nccl-tests #290/#267; hardware.md §2.3). */
  interNodeEfficiency: 0.94,
  /** NCCL ring Simple hwLat NET 14 µs (tuning.cc; hardware.md §2.5). */
  interNodeLatencyMicroseconds: 15,
} as const;

function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ProfileInputError(field, `must be a positive integer, got ${value}`);
  }
}

function requirePositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ProfileInputError(field, `must be a positive number, got ${value}`);
  }
}

function requireNonNegative(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ProfileInputError(field, `must be a non-negative number, got ${value}`);
  }
}

function requireEfficiency(field: string, value: number): void {
  if (!(value > 0 && value <= 1)) {
    throw new ProfileInputError(field, `must be in (0, 1], got ${value}`);
  }
}

/** A preset's node type repeated over `numNodes` nodes. */
export function clusterFromPreset(
  catalog: ProfileCatalog,
  presetId: string,
  numNodes: number,
): ClusterProfile {
  const preset = findClusterPreset(catalog, presetId);
  requirePositiveInteger('numNodes', numNodes);
  return {
    id: preset.id,
    device: findDevice(catalog, preset.deviceId),
    gpusPerNode: preset.gpusPerNode,
    numNodes,
    intraNode: preset.intraNode,
    interNode: preset.interNode,
  };
}

/** Intra-node link of a custom cluster, in human units (GB/s per GPU per direction, µs). */
export interface CustomIntraNode {
  readonly bandwidthGBps: number;
  readonly latencyMicroseconds?: number;
  readonly efficiency?: number;
}

/** Inter-node network of a custom cluster, in human units (GB/s per NIC per direction, µs). */
export interface CustomInterNode {
  /** Defaults to one NIC per GPU. */
  readonly nicsPerNode?: number;
  readonly nicBandwidthGBps: number;
  readonly latencyMicroseconds?: number;
  readonly efficiency?: number;
}

export interface CustomClusterInput {
  readonly accelerator: string;
  readonly gpusPerNode: number;
  readonly nodes: number;
  readonly intraNode?: CustomIntraNode;
  readonly interNode?: CustomInterNode;
}

function customIntraNode(
  catalog: ProfileCatalog,
  accelerator: string,
  input: CustomIntraNode | undefined,
): LinkProfile {
  const links = findDeviceLinks(catalog, accelerator);
  const hasScaleUp = links.scaleUp !== null;
  const latencyMicroseconds =
    input?.latencyMicroseconds ??
    (hasScaleUp
      ? CUSTOM_DEFAULTS.scaleUpLatencyMicroseconds
      : CUSTOM_DEFAULTS.pcieLatencyMicroseconds);
  const efficiency =
    input?.efficiency ??
    (hasScaleUp ? CUSTOM_DEFAULTS.scaleUpEfficiency : CUSTOM_DEFAULTS.pcieEfficiency);
  const bandwidthBytesPerSecond =
    input === undefined
      ? (links.scaleUp?.bandwidthBytesPerSecond ?? links.pcieBandwidthBytesPerSecond)
      : input.bandwidthGBps * BYTES_PER_SECOND_PER_GBPS;
  requirePositive('intraNode.bandwidthGBps', bandwidthBytesPerSecond);
  requireNonNegative('intraNode.latencyMicroseconds', latencyMicroseconds);
  requireEfficiency('intraNode.efficiency', efficiency);
  return {
    bandwidthBytesPerSecond,
    latencySeconds: latencyMicroseconds * SECONDS_PER_MICROSECOND,
    efficiency,
  };
}

function customInterNode(gpusPerNode: number, input: CustomInterNode | undefined): LinkProfile {
  const nicsPerNode = input?.nicsPerNode ?? gpusPerNode;
  const nicBytesPerSecond =
    input === undefined
      ? CUSTOM_DEFAULTS.nicBandwidthGbitps * BYTES_PER_SECOND_PER_GBITPS
      : input.nicBandwidthGBps * BYTES_PER_SECOND_PER_GBPS;
  const latencyMicroseconds =
    input?.latencyMicroseconds ?? CUSTOM_DEFAULTS.interNodeLatencyMicroseconds;
  const efficiency = input?.efficiency ?? CUSTOM_DEFAULTS.interNodeEfficiency;
  requirePositiveInteger('interNode.nicsPerNode', nicsPerNode);
  requirePositive('interNode.nicBandwidthGBps', nicBytesPerSecond);
  requireNonNegative('interNode.latencyMicroseconds', latencyMicroseconds);
  requireEfficiency('interNode.efficiency', efficiency);
  return {
    bandwidthBytesPerSecond: (nicsPerNode * nicBytesPerSecond) / gpusPerNode,
    latencySeconds: latencyMicroseconds * SECONDS_PER_MICROSECOND,
    efficiency,
  };
}

/**
 * A cluster described by its parts. Defaults: intra-node = the device's scale-up fabric (or its
 * PCIe x16 rate when it has none), inter-node = one 400 Gb/s NIC per GPU (hardware.md §1b, §2.3).
 * The inter-node link is expressed per GPU: nicsPerNode × nicBandwidth / gpusPerNode.
 */
export function customCluster(catalog: ProfileCatalog, input: CustomClusterInput): ClusterProfile {
  const device = findDevice(catalog, input.accelerator);
  requirePositiveInteger('gpusPerNode', input.gpusPerNode);
  requirePositiveInteger('nodes', input.nodes);
  return {
    id: 'custom',
    device,
    gpusPerNode: input.gpusPerNode,
    numNodes: input.nodes,
    intraNode: customIntraNode(catalog, input.accelerator, input.intraNode),
    interNode: customInterNode(input.gpusPerNode, input.interNode),
  };
}
