/**
 * Hardware types: where the model is trained (STYLE.md §1, "ClusterProfile").
 * Everything here is in base SI units (bytes, seconds, FLOP/s, bytes/s); the loader converts the
 * human units of profiles/*.json exactly once (see src/costmodel/units.ts for the conventions).
 */

import type { Framework, Precision } from '../model-spec/index.js';

export type { Precision };
export type NumericFormat = 'fp32' | 'tf32' | Precision;

/** One point of a piecewise-constant efficiency curve: applies to sizes >= minSize. */
export interface EfficiencyPoint {
  readonly minSize: number;
  readonly efficiency: number;
}

/** Memory a training process holds beside its tensors, per GPU. */
export interface RuntimeMemory {
  /** CUDA/HIP context, loaded kernels and library workspaces (outside the caching allocator). */
  readonly contextBytes: number;
  /** NCCL/RCCL buffers of one communicator in use (ring peers × channels × protocol buffers). */
  readonly ncclBytesPerCommunicator: number;
  /** Caching-allocator reserve beyond live tensors (fragmentation), a fraction of allocated. */
  readonly allocatorFragmentationFraction: number;
}

export interface DeviceProfile {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  /** Dense (no sparsity) peak tensor throughput per numeric format; absent = unsupported. */
  readonly peakFlopsPerSecond: Readonly<Partial<Record<NumericFormat, number>>>;
  readonly memoryBytes: number;
  readonly memoryBandwidthBytesPerSecond: number;
  /** Achieved fraction of peak for a GEMM of at least `minSize` FLOPs (sorted ascending). */
  readonly matmulEfficiency: readonly EfficiencyPoint[];
  /** Achieved fraction of HBM bandwidth for a memory-bound op moving at least `minSize` bytes. */
  readonly memoryEfficiency: readonly EfficiencyPoint[];
  /** Fraction of flash-attention FLOPs throughput relative to the GEMM curve (kernel quality). */
  readonly attentionEfficiencyFactor: number;
  /** FP8 GEMMs reach this share of the BF16 curve's efficiency (of the FP8 peak); absent = 1. */
  readonly fp8MatmulEfficiencyScale?: number;
  readonly runtimeMemory: RuntimeMemory;
  /**
   * Share of the shorter of two overlapped activities lost to contention for SMs and HBM: an
   * overlapped compute c and communication k take max(c, k) + fraction · min(c, k).
   */
  readonly overlapInterferenceFraction: number;
  readonly tdpWatts: number;
  readonly priceUsdPerGpuHour: number | null;
  readonly source: string;
  readonly notes: string;
}

/** One link tier of the alpha-beta model. */
export interface LinkProfile {
  /** Per-GPU, per-direction bandwidth available to collectives on this tier. */
  readonly bandwidthBytesPerSecond: number;
  /** Per-step latency (alpha). */
  readonly latencySeconds: number;
  /** Achieved fraction of bandwidth for large messages (NCCL bus bandwidth / wire rate). */
  readonly efficiency: number;
}

export interface ClusterProfile {
  /** Preset id, or 'custom'. */
  readonly id: string;
  readonly device: DeviceProfile;
  readonly gpusPerNode: number;
  readonly numNodes: number;
  /** Scale-up fabric inside a node (NVLink/NVSwitch, xGMI, PCIe). */
  readonly intraNode: LinkProfile;
  /** Scale-out network, expressed per GPU (node NIC bandwidth / gpusPerNode). */
  readonly interNode: LinkProfile;
}

/** Convenience: total GPUs of a homogeneous cluster. */
export function worldSize(cluster: ClusterProfile): number {
  return cluster.gpusPerNode * cluster.numNodes;
}

/** Signed relative error of validated predictions, (predicted − measured) / measured. */
export interface ErrorBand {
  /** Validation rows behind the band. */
  readonly rows: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** Accuracy of the cost model on published runs, overall and per framework. */
export interface AccuracyBands {
  readonly stepTime: Readonly<Record<'all', ErrorBand> & Partial<Record<Framework, ErrorBand>>>;
  readonly peakMemory: Readonly<Record<'all', ErrorBand> & Partial<Record<Framework, ErrorBand>>>;
}
