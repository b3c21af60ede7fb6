/**
 * Inter-operator stage construction: Alpa's dynamic program (Zheng et al., OSDI'22, §5.2, Eq. (2)–(4)).
 *
 * Given a topologically ordered chain of K ops o_0..o_(K−1), N devices, candidate sub-mesh shapes
 * (n, m) and B micro-batches, slice the chain into contiguous stages, give each a sub-mesh so that
 * the sub-mesh sizes sum to N, and minimise the pipeline latency
 *   T* = min over slicings { Σ_i t_i + (B − 1) · max_i t_i }            (Alpa Eq. 2)
 * where t_i = stageCost(stage i, its sub-mesh) (the intra-op ILP, or a cached estimate; Infinity
 * when the stage does not fit in memory).
 *
 * For each candidate t_max (the distinct finite stage costs, ascending), with every stage ≤ t_max:
 *   F[k][d] = minimum Σ t_i to place ops k..K−1 on exactly d devices
 *   F[K][0] = 0,  F[K][d > 0] = ∞
 *   F[k][d] = min_{k < j ≤ K, mesh s: |s| ≤ d, c(k, j, s) ≤ t_max} c(k, j, s) + F[j][d − |s|]   (Alpa Eq. 3)
 * and T*(t_max) = F[0][N] + (B − 1) · t_max; T* = min over t_max (Alpa Eq. 4). An argmin table
 * A[k][d] = (j, s) reconstructs the slicing. Memory is enforced inside stageCost.
 */

/** [rows, cols] of a sub-mesh. */
export type SubmeshShape = readonly [number, number];

/** Seconds per micro-batch of ops [start, end) on `mesh`; Infinity if infeasible. */
export type StageCostFunction = (start: number, end: number, mesh: SubmeshShape) => number;

export interface StageDpInput {
  readonly numOps: number;
  readonly numDevices: number;
  /** Candidate sub-mesh shapes, in a stable order (ties go to the earlier shape). */
  readonly submeshes: readonly SubmeshShape[];
  readonly microBatches: number;
  readonly stageCost: StageCostFunction;
}

export interface DpStage {
  /** Ops [start, end) of the chain. */
  readonly start: number;
  readonly end: number;
  readonly mesh: SubmeshShape;
  readonly latencySeconds: number;
}

export interface StageDpResult {
  /** Σ stage latency + (B − 1) · max stage latency, seconds. */
  readonly stepTimeSeconds: number;
  readonly stages: readonly DpStage[];
}

const meshSize = (s: SubmeshShape): number => s[0] * s[1];

/** costs[k][j − k − 1][s] = stageCost(k, j, submeshes[s]) for all 0 ≤ k < j ≤ K. */
function tabulateCosts(input: StageDpInput): number[][][] {
  const costs: number[][][] = [];
  for (let k = 0; k < input.numOps; k++) {
    const row: number[][] = [];
    for (let j = k + 1; j <= input.numOps; j++)
      row.push(input.submeshes.map((s) => input.stageCost(k, j, s)));
    costs.push(row);
  }
  return costs;
}

interface Table {
  readonly f: Float64Array;
  readonly argEnd: Int32Array;
  readonly argMesh: Int32Array;
}

/** Fill F and A for one t_max (recurrence in the file comment). */
function fillTable(input: StageDpInput, costs: number[][][], tMax: number): Table {
  const { numOps: K, numDevices: N } = input;
  const at = (k: number, d: number): number => k * (N + 1) + d;
  const f = new Float64Array((K + 1) * (N + 1)).fill(Infinity);
  const argEnd = new Int32Array((K + 1) * (N + 1)).fill(-1);
  const argMesh = new Int32Array((K + 1) * (N + 1)).fill(-1);
  f[at(K, 0)] = 0;
  for (let k = K - 1; k >= 0; k--) {
    for (let d = 1; d <= N; d++) {
      for (let j = k + 1; j <= K; j++) {
        input.submeshes.forEach((s, si) => {
          const size = meshSize(s);
          const c = costs[k]?.[j - k - 1]?.[si] ?? Infinity;
          if (size > d || c > tMax) return;
          const total = c + (f[at(j, d - size)] as number);
          if (total < (f[at(k, d)] as number)) {
            f[at(k, d)] = total;
            argEnd[at(k, d)] = j;
            argMesh[at(k, d)] = si;
          }
        });
      }
    }
  }
  return { f, argEnd, argMesh };
}

function reconstruct(input: StageDpInput, costs: number[][][], table: Table): DpStage[] {
  const stages: DpStage[] = [];
  const at = (k: number, d: number): number => k * (input.numDevices + 1) + d;
  let [k, d] = [0, input.numDevices];
  while (k < input.numOps) {
    const j = table.argEnd[at(k, d)] as number;
    const si = table.argMesh[at(k, d)] as number;
    const mesh = input.submeshes[si] as SubmeshShape;
    stages.push({ start: k, end: j, mesh, latencySeconds: costs[k]?.[j - k - 1]?.[si] as number });
    [k, d] = [j, d - meshSize(mesh)];
  }
  return stages;
}

/**
 * Run the stage DP. @returns the best slicing, or undefined when no slicing is feasible.
 * Complexity: O(K² · |submeshes|) stage-cost calls, O(|t_max| · K² · N · |submeshes|) DP steps.
 */
export function solveStageDp(input: StageDpInput): StageDpResult | undefined {
  const costs = tabulateCosts(input);
  const candidates = [...new Set(costs.flat(2).filter(Number.isFinite))].sort((a, b) => a - b);
  let best: StageDpResult | undefined;
  for (const tMax of candidates) {
    // pruning bound (Alpa §5.2): t_max × (B − 1) ≥ best → every larger t_max is worse too → stop
    if (best !== undefined && tMax * (input.microBatches - 1) >= best.stepTimeSeconds) break;
    const table = fillTable(input, costs, tMax);
    const sum = table.f[input.numDevices] as number;
    if (!Number.isFinite(sum)) continue;
    const stages = reconstruct(input, costs, table);
    const maxStage = Math.max(...stages.map((s) => s.latencySeconds));
    const stepTimeSeconds = sum + (input.microBatches - 1) * maxStage;
    if (best === undefined || stepTimeSeconds < best.stepTimeSeconds)
      best = { stepTimeSeconds, stages };
  }
  return best;
}
