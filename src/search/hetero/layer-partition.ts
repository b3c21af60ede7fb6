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

interface Cell {
  readonly max: number;
  readonly sum: number;
  /** Layers given to the last stage of this prefix (argmin, for reconstruction). */
  readonly take: number;
}

const INFEASIBLE: Cell = { max: Number.POSITIVE_INFINITY, sum: Number.POSITIVE_INFINITY, take: 0 };

const stageSeconds = (s: PartitionStage, n: number): number =>
  s.baseSeconds + n * s.perLayerSeconds;

/** Lexicographic (max, sum): the bottleneck first, then the fill/drain sum; ties keep the first. */
const lessThan = (a: { max: number; sum: number }, b: Cell): boolean =>
  a.max < b.max || (a.max === b.max && a.sum < b.sum);

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
  const table: Cell[][] = [];
  let previous: Cell[] = [];
  for (let j = 0; j < pp; j++) {
    const stage = stages[j] as PartitionStage;
    const row: Cell[] = Array.from({ length: numLayers + 1 }, () => INFEASIBLE);
    for (let l = j + 1; l <= numLayers - (pp - 1 - j); l++) {
      row[l] = j === 0 ? firstCell(stage, l) : bestCell(stage, previous, l, j);
    }
    table.push(row);
    previous = row;
  }
  return reconstruct(table, numLayers);
}

function firstCell(stage: PartitionStage, l: number): Cell {
  if (l > stage.maxLayers) return INFEASIBLE;
  const c = stageSeconds(stage, l);
  return { max: c, sum: c, take: l };
}

function bestCell(stage: PartitionStage, previous: readonly Cell[], l: number, j: number): Cell {
  let best = INFEASIBLE;
  const most = Math.min(stage.maxLayers, l - j);
  for (let n = 1; n <= most; n++) {
    const c = stageSeconds(stage, n);
    if (c > best.max) break; // pruning bound: larger n only raises this stage's cost
    const prefix = previous[l - n] ?? INFEASIBLE;
    if (prefix.max === Number.POSITIVE_INFINITY) continue;
    const candidate = { max: Math.max(prefix.max, c), sum: prefix.sum + c };
    if (lessThan(candidate, best)) best = { ...candidate, take: n };
  }
  return best;
}

function reconstruct(table: readonly Cell[][], numLayers: number): Partition | null {
  const last = table[table.length - 1]?.[numLayers];
  if (last === undefined || last.max === Number.POSITIVE_INFINITY) return null;
  const layers: number[] = [];
  let l = numLayers;
  for (let j = table.length - 1; j >= 0; j--) {
    const cell = table[j]?.[l] ?? INFEASIBLE;
    layers.unshift(cell.take);
    l -= cell.take;
  }
  return { layers, bottleneckSeconds: last.max, sumSeconds: last.sum };
}
