/**
 * Layer partition of a heterogeneous pipeline: contiguous transformer layers per stage so that
 * stage times balance although the stages run on different GPU types and TP degrees (Metis,
 * Um et al. USENIX ATC'24 §5 "layer partitioning"; FASOP, Hwang et al. HPDC'24 §4.2).
 */

/** One stage's cost as a function of its layer count (affine: the layers are identical). */
export interface PartitionStage {
  /** Seconds per micro-batch (forward + backward) with zero layers: embedding / LM head only. */
  readonly baseSeconds: number;
  /** Seconds per micro-batch added by one transformer layer on this stage. */
  readonly perLayerSeconds: number;
  /** Most layers that fit in this stage's GPU memory (0 = none fit). */
  readonly maxLayers: number;
}

export interface Partition {
  /** Layers per stage, in pipeline order (each ≥ 1, Σ = numLayers). */
  readonly layers: readonly number[];
  /** max_j stage seconds (the 1F1B steady-state bottleneck). */
  readonly bottleneckSeconds: number;
  /** Σ_j stage seconds (the fill/drain term of (m − 1)·max + Σ). */
  readonly sumSeconds: number;
}

const stageSeconds = (s: PartitionStage, n: number): number =>
  s.baseSeconds + n * s.perLayerSeconds;

/** The DP table f[j][l] in flat typed arrays (index j·(L + 1) + l): no object per cell. */
interface Table {
  readonly width: number;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  /** Layers given to the last stage of this prefix (argmin, for reconstruction). */
  readonly take: Int32Array;
}

/**
 * Min-bottleneck contiguous partition of `numLayers` layers over the stages (each ≥ 1 layer).
 *
 * Table f[j][l] (j = stage index, l = layers placed on stages 0..j) holds the lexicographically
 * smallest (max_k c_k, Σ_k c_k) over stages 0..j, with c_k(n) = base_k + n·perLayer_k:
 *   f[0][l] = (c_0(l), c_0(l))                                     for 1 ≤ l ≤ maxLayers_0
 *   f[j][l] = min_{1 ≤ n ≤ min(maxLayers_j, l − j)} (max(f[j−1][l−n].max, c_j(n)),
 *                                                   f[j−1][l−n].sum + c_j(n))
 * argmin n is kept in `take` for reconstruction. Ties keep the smallest n (deterministic).
 * Pruning bound (c_j is increasing in n): c_j(n) > f[j][l].max → stop the n loop.
 * Cost O(pp · L²) worst case. (max, sum) is lexicographic, so the sum is a tie-breaker, not a
 * jointly optimal (m − 1)·max + Σ; with m ≫ pp the max term dominates.
 * @returns null when no partition fits memory
 */
export function partitionLayers(
  stages: readonly PartitionStage[],
  numLayers: number,
): Partition | null {
  const pp = stages.length;
  if (pp === 0 || pp > numLayers) return null;
  const width = numLayers + 1;
  const t: Table = {
    width,
    max: new Float64Array(pp * width).fill(Number.POSITIVE_INFINITY),
    sum: new Float64Array(pp * width).fill(Number.POSITIVE_INFINITY),
    take: new Int32Array(pp * width),
  };
  for (let j = 0; j < pp; j++) {
    const stage = stages[j] as PartitionStage;
    for (let l = j + 1; l <= numLayers - (pp - 1 - j); l++) {
      if (j === 0) firstCell(t, stage, l);
      else bestCell(t, stage, l, j);
    }
  }
  return reconstruct(t, pp, numLayers);
}

function firstCell(t: Table, stage: PartitionStage, l: number): void {
  if (l > stage.maxLayers) return;
  const c = stageSeconds(stage, l);
  t.max[l] = c;
  t.sum[l] = c;
  t.take[l] = l;
}

function bestCell(t: Table, stage: PartitionStage, l: number, j: number): void {
  let bestMax = Number.POSITIVE_INFINITY;
  let bestSum = Number.POSITIVE_INFINITY;
  let bestTake = 0;
  const previous = (j - 1) * t.width;
  const most = Math.min(stage.maxLayers, l - j);
  for (let n = 1; n <= most; n++) {
    const c = stageSeconds(stage, n);
    if (c > bestMax) break; // pruning bound: larger n only raises this stage's cost
    const prefixMax = t.max[previous + l - n] ?? Number.POSITIVE_INFINITY;
    if (prefixMax === Number.POSITIVE_INFINITY) continue;
    const max = Math.max(prefixMax, c);
    const sum = (t.sum[previous + l - n] ?? 0) + c;
    if (max < bestMax || (max === bestMax && sum < bestSum)) {
      bestMax = max;
      bestSum = sum;
      bestTake = n;
    }
  }
  const at = j * t.width + l;
  t.max[at] = bestMax;
  t.sum[at] = bestSum;
  t.take[at] = bestTake;
}

function reconstruct(t: Table, pp: number, numLayers: number): Partition | null {
  const at = (pp - 1) * t.width + numLayers;
  const max = t.max[at] ?? Number.POSITIVE_INFINITY;
  if (max === Number.POSITIVE_INFINITY) return null;
  const layers: number[] = [];
  let l = numLayers;
  for (let j = pp - 1; j >= 0; j--) {
    const take = t.take[j * t.width + l] ?? 0;
    layers.unshift(take);
    l -= take;
  }
  return { layers, bottleneckSeconds: max, sumSeconds: t.sum[at] ?? 0 };
}
