/**
 * File (human units) → domain (base SI units) conversion, done exactly once (STYLE.md §3).
 * Capacity is binary (GiB, MiB), bandwidth decimal (GB/s); see src/costmodel/units.ts.
 */
import type { ClusterPreset, DeviceLinks, ModelZooEntry } from './catalog.js';
import type { ClusterFile, DeviceFile, ModelFile } from './schema.js';
import type { DeviceProfile, LinkProfile, NumericFormat } from './types.js';
import {
  BYTES_PER_GIB,
  BYTES_PER_MIB,
  BYTES_PER_SECOND_PER_GBPS,
  FLOPS_PER_GFLOP,
  FLOPS_PER_TFLOPS,
  SECONDS_PER_MICROSECOND,
} from '../base/index.js';

/**
 * PCIe x16 per-direction wire rate in GB/s by generation (≈ 1, 2, 4 GB/s per lane for Gen3/4/5;
 * PCI-SIG; SimAI calbusbw.h uses 32 and 64 as the A100/H100 theoretical rates).
 */
const PCIE_X16_GBPS_PER_DIRECTION: Readonly<Record<3 | 4 | 5, number>> = { 3: 16, 4: 32, 5: 64 };

function peakFlopsPerSecond(file: DeviceFile): Partial<Record<NumericFormat, number>> {
  const out: Partial<Record<NumericFormat, number>> = {};
  for (const [format, tflops] of Object.entries(file.peakTflops)) {
    if (tflops !== undefined) out[format as NumericFormat] = tflops * FLOPS_PER_TFLOPS;
  }
  return out;
}

/** Device file → DeviceProfile (bytes, bytes/s, FLOP/s; curve thresholds in FLOPs and bytes). */
export function deviceFromFile(file: DeviceFile): DeviceProfile {
  return {
    id: file.id,
    name: file.name,
    vendor: file.vendor,
    peakFlopsPerSecond: peakFlopsPerSecond(file),
    memoryBytes: file.memoryGiB * BYTES_PER_GIB,
    memoryBandwidthBytesPerSecond: file.hbmBandwidthGBps * BYTES_PER_SECOND_PER_GBPS,
    matmulEfficiency: file.matmulEfficiency.map((p) => ({
      minSize: p.minGflops * FLOPS_PER_GFLOP,
      efficiency: p.efficiency,
    })),
    memoryEfficiency: file.memoryEfficiency.map((p) => ({
      minSize: p.minMiB * BYTES_PER_MIB,
      efficiency: p.efficiency,
    })),
    attentionEfficiencyFactor: file.attentionEfficiencyFactor,
    ...(file.fp8MatmulEfficiencyScale === undefined
      ? {}
      : { fp8MatmulEfficiencyScale: file.fp8MatmulEfficiencyScale }),
    runtimeMemory: {
      contextBytes: file.runtimeMemory.cudaContextMiB * BYTES_PER_MIB,
      ncclBytesPerCommunicator: file.runtimeMemory.ncclBuffersMiBPerCommunicator * BYTES_PER_MIB,
      allocatorFragmentationFraction: file.runtimeMemory.allocatorFragmentationFraction,
    },
    overlapInterferenceFraction: file.overlapInterferenceFraction,
    tdpWatts: file.tdpWatts,
    priceUsdPerGpuHour: file.priceUsdPerGpuHour,
    source: file.source,
    notes: file.notes,
  };
}

/** Device file → its scale-up and PCIe links (bytes/s, per GPU, per direction). */
export function deviceLinksFromFile(file: DeviceFile): DeviceLinks {
  return {
    scaleUp:
      file.scaleUp === null
        ? null
        : {
            fabric: file.scaleUp.fabric,
            bandwidthBytesPerSecond:
              file.scaleUp.bandwidthGBpsPerDirection * BYTES_PER_SECOND_PER_GBPS,
          },
    pcieBandwidthBytesPerSecond:
      PCIE_X16_GBPS_PER_DIRECTION[file.pcieGeneration] * BYTES_PER_SECOND_PER_GBPS,
  };
}

/** Cluster file → ClusterPreset; the inter-node tier becomes per GPU: nics × nicBW / gpusPerNode. */
export function clusterPresetFromFile(file: ClusterFile): ClusterPreset {
  const intraNode: LinkProfile = {
    bandwidthBytesPerSecond: file.intraNode.bandwidthGBps * BYTES_PER_SECOND_PER_GBPS,
    latencySeconds: file.intraNode.latencyMicroseconds * SECONDS_PER_MICROSECOND,
    efficiency: file.intraNode.efficiency,
  };
  const nodeNicBytesPerSecond =
    file.interNode.nicsPerNode * file.interNode.nicBandwidthGBps * BYTES_PER_SECOND_PER_GBPS;
  const interNode: LinkProfile = {
    bandwidthBytesPerSecond: nodeNicBytesPerSecond / file.gpusPerNode,
    latencySeconds: file.interNode.latencyMicroseconds * SECONDS_PER_MICROSECOND,
    efficiency: file.interNode.efficiency,
  };
  return {
    id: file.id,
    name: file.name,
    deviceId: file.accelerator,
    gpusPerNode: file.gpusPerNode,
    intraNode,
    interNode,
    source: file.source,
    notes: file.notes,
  };
}

/** Model file → ModelZooEntry (the architecture is already in counts; spec.name = zoo id). */
export function modelFromFile(file: ModelFile): ModelZooEntry {
  return {
    id: file.id,
    name: file.name,
    publishedParameterCount: file.publishedParameterCount,
    spec: { name: file.id, ...file.architecture },
    source: file.source,
    notes: file.notes,
  };
}
