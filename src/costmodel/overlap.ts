/**
 * Overlap of computation and communication, bounded by physics: an overlapped pair never takes
 * less than the longer of the two, and pays for the contention between them (communication
 * kernels take SMs and HBM bandwidth from the compute they run beside).
 *   overlapped(c, k) = max(c, k) + ι · min(c, k),  ι = device.overlapInterferenceFraction
 * @see shared/context/framework_memory.md §5 (~10–20% loss from SM and HBM contention);
 *      Transformer Engine initialize_ub (userbuffers reserve 16 of 132 H100 SMs)
 */

export function overlappedSeconds(
  computeSeconds: number,
  commSeconds: number,
  interferenceFraction: number,
): number {
  return (
    Math.max(computeSeconds, commSeconds) +
    interferenceFraction * Math.min(computeSeconds, commSeconds)
  );
}

/** A pass whose units each gather before computing and reduce after, seconds. */
export interface ShardedPassInputs {
  /** Compute of the whole pass (all units), seconds. */
  readonly computeSeconds: number;
  /** Units (FSDP / ZeRO-3 wrapped modules) the pass walks through. */
  readonly units: number;
  /** Parameter gather each unit needs before it computes, seconds per unit. */
  readonly gatherSecondsPerUnit: number;
  /** Gradient reduce-scatter each unit issues after it computes, seconds per unit. */
  readonly reduceSecondsPerUnit: number;
  /** Share of the next unit's gather issued during the current unit's compute (prefetch). */
  readonly prefetchFraction: number;
  readonly interferenceFraction: number;
}

export interface ShardedPassSeconds {
  readonly seconds: number;
  /** Communication on the critical path (beyond the compute), interference included. */
  readonly exposedCommSeconds: number;
  /** Communication hidden behind compute. */
  readonly hiddenCommSeconds: number;
}

/**
 * One forward or backward pass of a sharded model (ZeRO-3 / FSDP, and ZeRO-2's per-micro-batch
 * reduction), unit by unit. The first unit's gather precedes all compute and the last unit's
 * reduce-scatter follows it (exposed); in between, unit l computes while unit l+1's gather
 * (the prefetched share f) and unit l−1's reduce-scatter run on the network:
 *   T = g + (u−1)·[overlapped(c, f·g + r) + (1−f)·g] + c + r,   c = C/u
 * Overlap hides at most the compute it overlaps with, layer by layer.
 * @see Zhao et al. 2023 "PyTorch FSDP" §3.3 (prefetch, rate limiter); DeepSpeed
 *      partitioned_param_coordinator.py:L452-476 (prefetch up to stage3_prefetch_bucket_size)
 */
export function shardedPassSeconds(x: ShardedPassInputs): ShardedPassSeconds {
  const u = Math.max(1, x.units);
  const c = x.computeSeconds / u;
  const g = x.gatherSecondsPerUnit;
  const r = x.reduceSecondsPerUnit;
  const f = Math.min(1, Math.max(0, x.prefetchFraction));
  const steady = overlappedSeconds(c, f * g + r, x.interferenceFraction) + (1 - f) * g;
  const seconds = g + (u - 1) * steady + c + r;
  const comm = u * (g + r);
  const exposed = Math.max(0, seconds - x.computeSeconds);
  return { seconds, exposedCommSeconds: exposed, hiddenCommSeconds: Math.max(0, comm - exposed) };
}
