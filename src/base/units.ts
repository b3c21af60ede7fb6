/**
 * Unit conventions (STYLE.md §3), a leaf every room may import. Inside Strata every quantity is in base SI units: bytes,
 * FLOPs (a count), seconds, bytes/second, FLOP/s. Profile files use human units with the unit in
 * the key and are converted exactly once, in src/hardware-profiles/load.ts, with these factors.
 *
 * Capacity is binary (GiB = 2^30 bytes, as nvidia-smi and the CUDA allocator count it);
 * bandwidth is decimal (GB/s = 10^9 bytes/s, as NVIDIA/NCCL and NIC vendors quote it).
 */

/** 1 GiB in bytes (binary). */
export const BYTES_PER_GIB = 2 ** 30;
/** 1 MiB in bytes (binary). */
export const BYTES_PER_MIB = 2 ** 20;
/** 1 GB/s in bytes per second (decimal). */
export const BYTES_PER_SECOND_PER_GBPS = 1e9;
/** 1 Gb/s (gigabit) in bytes per second. */
export const BYTES_PER_SECOND_PER_GBITPS = 1e9 / 8;
/** 1 TFLOP/s in FLOP/s. */
export const FLOPS_PER_TFLOPS = 1e12;
/** 1 GFLOP in FLOPs. */
export const FLOPS_PER_GFLOP = 1e9;
/** 1 microsecond in seconds. */
export const SECONDS_PER_MICROSECOND = 1e-6;
export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86_400;

/** Bytes per element of each numeric format. */
export const BYTES_PER_ELEMENT = {
  fp32: 4,
  tf32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
} as const;
