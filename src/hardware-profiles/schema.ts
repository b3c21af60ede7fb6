/**
 * zod schemas for the human-written files under profiles/ (STYLE.md §15). Files use human units
 * with the unit in every key (memoryGiB, hbmBandwidthGBps, peakTflops, latencyMicroseconds); the
 * loader converts them to base SI units exactly once (src/hardware-profiles/load.ts).
 */
import { TransformerSpecSchema } from '../model-spec/index.js';
import { z } from 'zod';

const positive = z.number().positive();
const positiveInteger = z.number().int().positive();
/** A ratio in (0, 1]. */
const efficiency = z.number().gt(0).lte(1);
const nonEmpty = z.string().min(1);
/** Every catalog entry's file name id and display name. */
const identity = { id: nonEmpty, name: nonEmpty };
/** Where every profile's numbers come from, and what to know about them. */
const provenance = { source: nonEmpty, notes: z.string() };

/** Piecewise-constant curve check: each point applies to sizes >= its threshold; thresholds ascend. */
function ascendingThresholds<T>(threshold: (point: T) => number, key: string) {
  return (points: readonly T[], ctx: z.RefinementCtx): void => {
    for (let i = 1; i < points.length; i += 1) {
      const prev = points[i - 1];
      const cur = points[i];
      if (prev !== undefined && cur !== undefined && threshold(cur) <= threshold(prev)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, key],
          message: `curve thresholds must be strictly ascending (${threshold(cur)} after ${threshold(prev)})`,
        });
      }
    }
  };
}

const matmulCurve = z
  .array(z.strictObject({ minGflops: z.number().nonnegative(), efficiency }))
  .min(1)
  .superRefine(ascendingThresholds((p) => p.minGflops, 'minGflops'));

const memoryCurve = z
  .array(z.strictObject({ minMiB: z.number().nonnegative(), efficiency }))
  .min(1)
  .superRefine(ascendingThresholds((p) => p.minMiB, 'minMiB'));

/** profiles/devices/<id>.json */
export const DeviceFileSchema = z.strictObject({
  ...identity,
  vendor: nonEmpty,
  /** Dense peak TFLOP/s per numeric format; omit a key when unsupported. */
  peakTflops: z
    .strictObject({
      fp32: positive.optional(),
      tf32: positive.optional(),
      bf16: positive.optional(),
      fp16: positive.optional(),
      fp8: positive.optional(),
    })
    .refine((p) => Object.keys(p).length > 0, 'at least one numeric format is required'),
  memoryGiB: positive,
  hbmBandwidthGBps: positive,
  matmulEfficiency: matmulCurve,
  memoryEfficiency: memoryCurve,
  attentionEfficiencyFactor: efficiency,
  /**
   * FP8 GEMM efficiency relative to the BF16 curve (MAMF FP8 share of FP8 peak over MAMF BF16
   * share of BF16 peak); absent = 1. Only read when training in fp8.
   */
  fp8MatmulEfficiencyScale: efficiency.optional(),
  /** Memory a process uses beside its tensors (see convert.ts). */
  runtimeMemory: z.strictObject({
    cudaContextMiB: z.number().nonnegative(),
    ncclBuffersMiBPerCommunicator: z.number().nonnegative(),
    allocatorFragmentationFraction: z.number().min(0).lt(1),
  }),
  /** Share of the shorter of two overlapped activities (compute, communication) lost to contention. */
  overlapInterferenceFraction: z.number().min(0).max(1),
  tdpWatts: positive,
  priceUsdPerGpuHour: positive.nullable(),
  /** PCIe generation of the device's x16 host link (3, 4 or 5). */
  pcieGeneration: z.union([z.literal(3), z.literal(4), z.literal(5)]),
  scaleUp: z.strictObject({ fabric: nonEmpty, bandwidthGBpsPerDirection: positive }).nullable(),
  ...provenance,
});
export type DeviceFile = z.infer<typeof DeviceFileSchema>;

/** profiles/clusters/<id>.json */
export const ClusterFileSchema = z.strictObject({
  ...identity,
  accelerator: nonEmpty,
  gpusPerNode: positiveInteger,
  intraNode: z.strictObject({
    fabric: nonEmpty,
    /** Per GPU, per direction, GB/s (decimal). */
    bandwidthGBps: positive,
    latencyMicroseconds: z.number().nonnegative(),
    efficiency,
  }),
  interNode: z.strictObject({
    fabric: nonEmpty,
    nicsPerNode: positiveInteger,
    /** Per NIC, per direction, GB/s (decimal): 400 Gb/s = 50 GB/s. */
    nicBandwidthGBps: positive,
    latencyMicroseconds: z.number().nonnegative(),
    efficiency,
  }),
  ...provenance,
});
export type ClusterFile = z.infer<typeof ClusterFileSchema>;

/** profiles/cluster-mixes/<id>.json: a heterogeneous cluster of preset node groups. */
export const ClusterMixFileSchema = z.strictObject({
  ...identity,
  groups: z.array(z.strictObject({ preset: nonEmpty, nodes: positiveInteger })).min(1),
  /** Aggregate bandwidth between groups, per direction, GB/s (decimal). */
  interGroup: z
    .strictObject({
      bandwidthGBps: positive,
      latencyMicroseconds: z.number().nonnegative(),
      efficiency: efficiency.optional(),
    })
    .optional(),
  ...provenance,
});
export type ClusterMixFile = z.infer<typeof ClusterMixFileSchema>;

/** profiles/models/<id>.json */
export const ModelFileSchema = z.strictObject({
  ...identity,
  publishedParameterCount: positive.nullable(),
  architecture: TransformerSpecSchema.omit({ name: true }),
  ...provenance,
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

const band = z.strictObject({
  rows: z.int().min(1),
  /** 10th and 90th percentiles of (predicted − measured) / measured. */
  p10: z.number().gt(-1),
  p50: z.number().gt(-1),
  p90: z.number().gt(-1),
});
const bandsByFramework = z.strictObject({
  all: band,
  megatron: band.exactOptional(),
  deepspeed: band.exactOptional(),
  fsdp: band.exactOptional(),
});

/** profiles/calibration/accuracy.json: residuals of npm run validate, written by it. */
export const AccuracyFileSchema = z.strictObject({
  id: z.literal('accuracy'),
  stepTime: bandsByFramework,
  peakMemory: bandsByFramework,
  ...provenance,
});
export type AccuracyFile = z.infer<typeof AccuracyFileSchema>;
