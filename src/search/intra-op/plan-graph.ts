/**
 * planOperatorGraph: the planner entry for operator graphs (issue #4). Alpa's two levels
 * (OSDI'22 §5): the graph's ops, in topological order, are grouped into at most
 * {@link MAX_LAYERS} FLOP-balanced layers aligned to repeated blocks (layers.ts); the stage DP
 * (stage-dp.ts) slices the layers into pipeline stages on sub-meshes, each stage costed by the
 * intra-op ILP on its sub-mesh. Every layer range is costed on every sub-mesh; identical ranges
 * are solved once, ranges whose split parts compose optimally need no ILP, and the others are
 * warm-started from the parts (stage-costs.ts) — the same optimum as one ILP per range.
 * Shapes in the graph are per micro-batch. Cross-stage activation transfers are not costed.
 */
import { ReasonedDomainError } from '../../base/index.js';
import type { OperatorGraph } from '../../graph/operator-graph/index.js';
import type { DeviceProfile, LinkProfile } from '../../hardware-profiles/index.js';
import { SOLVERS, type SolverName, type SolveStatus } from '../ilp/index.js';
import { solveStageDp, type SubmeshShape } from '../stage-dp.js';
import { layerBounds } from './layers.js';
import { formatLayout, type MeshShape } from './layout.js';
import { MeshTables } from './problem.js';
import { RangeKeys } from './range-keys.js';
import { choicesOf, type IntraOpChoice } from './solve-intra-op.js';
import { StageCostTable, type RangeCounts, type RangeSearch } from './stage-costs.js';

/** Most layers the stage DP sees (its stage-cost calls grow as layers² × sub-meshes). */
export const MAX_LAYERS = 8;
/** Shortest per-ILP time limit, seconds. */
export const MIN_ILP_SECONDS = 0.5;

export interface PlanGraphOptions {
  readonly device: DeviceProfile;
  readonly numDevices: number;
  readonly gpusPerNode: number;
  readonly intraNode: LinkProfile;
  readonly interNode: LinkProfile;
  readonly microBatches: number;
  readonly solver?: SolverName;
  /** Budget for all ILP solves together, seconds. */
  readonly timeLimitSeconds: number;
  readonly memoryBudgetBytes: number;
  /** Clock in milliseconds for `solver.seconds` (default performance.now). */
  readonly now?: () => number;
  /**
   * Answer layer ranges by identical ranges and by composition before solving an ILP
   * (stage-costs.ts; default true). false solves one ILP per range and sub-mesh, as Alpa does:
   * the same optimum, slower (tests and the bench compare the two).
   */
  readonly reuse?: boolean;
}

export interface PlannedTensor {
  readonly tensor: string;
  readonly layout: string;
}

export interface PlannedOp {
  readonly id: string;
  readonly stage: number;
  readonly mesh: MeshShape;
  readonly strategy: string;
  readonly inputs: readonly PlannedTensor[];
  readonly outputs: readonly PlannedTensor[];
  readonly temporal?: { readonly steps: number };
}

export interface OperatorGraphPlan {
  readonly stages: readonly {
    readonly ops: readonly string[];
    readonly mesh: MeshShape;
    readonly latencySeconds: number;
  }[];
  readonly ops: readonly PlannedOp[];
  readonly stepTimeSeconds: number;
  readonly solver: {
    readonly name: string;
    readonly status: SolveStatus;
    readonly seconds: number;
  };
  /** Layers the stage DP sliced. */
  readonly layers: number;
  /** How the layer ranges' intra-op problems (per sub-mesh) were answered. */
  readonly stageProblems: RangeCounts;
}

/** No plan exists (nothing fits in memory, or the sub-meshes cannot cover the devices). */
export class GraphPlanningError extends ReasonedDomainError<'no-feasible-plan'> {
  override readonly name = 'GraphPlanningError';
  readonly code = 'infeasible';
}

/** Alpa's sub-mesh shapes: (1, 2^k) inside a node, then (r, gpusPerNode) for whole nodes. */
export function candidateSubmeshes(numDevices: number, gpusPerNode: number): SubmeshShape[] {
  const shapes: SubmeshShape[] = [];
  for (let c = 1; c <= Math.min(gpusPerNode, numDevices); c *= 2) shapes.push([1, c]);
  for (let r = 2; r * gpusPerNode <= numDevices; r++) shapes.push([r, gpusPerNode]);
  return shapes;
}

function linksFor(mesh: MeshShape, o: PlanGraphOptions): readonly [LinkProfile, LinkProfile] {
  const inner = mesh[1] <= o.gpusPerNode ? o.intraNode : o.interNode;
  const outer = mesh[0] * mesh[1] <= o.gpusPerNode ? o.intraNode : o.interNode;
  return [outer, inner];
}

/** One sub-mesh's stage-cost table (every layer range solved, see stage-costs.ts). */
async function meshTable(
  graph: OperatorGraph,
  keys: RangeKeys,
  bounds: readonly number[],
  mesh: SubmeshShape,
  o: PlanGraphOptions,
  search: RangeSearch,
): Promise<StageCostTable> {
  const ctx = { mesh, links: linksFor(mesh, o), device: o.device, training: true };
  const table = new StageCostTable(
    new MeshTables(graph, ctx, o.memoryBudgetBytes),
    keys,
    bounds,
    search,
  );
  await table.solve();
  return table;
}

/** Every layer range costed on every sub-mesh (one table per sub-mesh, in `submeshes` order). */
async function stageCostTables(
  graph: OperatorGraph,
  bounds: readonly number[],
  submeshes: readonly SubmeshShape[],
  o: PlanGraphOptions,
): Promise<StageCostTable[]> {
  const layers = bounds.length - 1;
  const calls = (layers * (layers + 1) * submeshes.length) / 2;
  const search: RangeSearch = {
    solver: SOLVERS[o.solver ?? 'highs'],
    timeLimitSeconds: Math.max(MIN_ILP_SECONDS, o.timeLimitSeconds / calls),
    reuse: o.reuse ?? true,
  };
  const keys = new RangeKeys(graph);
  const tables: StageCostTable[] = [];
  for (const mesh of submeshes) tables.push(await meshTable(graph, keys, bounds, mesh, o, search));
  return tables;
}

const sumCounts = (counts: readonly RangeCounts[]): RangeCounts => ({
  ilpSolves: counts.reduce((a, c) => a + c.ilpSolves, 0),
  reused: counts.reduce((a, c) => a + c.reused, 0),
  composed: counts.reduce((a, c) => a + c.composed, 0),
});

/** Plan an operator graph on `numDevices` GPUs (see file comment). */
export async function planOperatorGraph(
  graph: OperatorGraph,
  o: PlanGraphOptions,
): Promise<OperatorGraphPlan> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const bounds = layerBounds(graph, MAX_LAYERS);
  const submeshes = candidateSubmeshes(o.numDevices, o.gpusPerNode);
  const tables = await stageCostTables(graph, bounds, submeshes, o);
  const tableOf = (s: SubmeshShape): StageCostTable =>
    tables[submeshes.indexOf(s)] as StageCostTable;
  const dp = solveStageDp({
    numOps: bounds.length - 1,
    numDevices: o.numDevices,
    submeshes,
    microBatches: o.microBatches,
    stageCost: (k, j, s) => tableOf(s).get(k, j)?.objectiveSeconds ?? Infinity,
  });
  if (dp === undefined)
    throw new GraphPlanningError(
      'no-feasible-plan',
      `no stage slicing of ${graph.nodes.length} ops fits ${o.numDevices} devices within ${o.memoryBudgetBytes} bytes per device`,
    );
  const chosen = dp.stages.map((s) => {
    const solution = tableOf(s.mesh).get(s.start, s.end);
    const problem = tableOf(s.mesh).problem(s.start, s.end);
    return { status: solution?.status, choices: choicesOf(problem, solution?.choices ?? []) };
  });
  const status: SolveStatus = chosen.every((p) => p.status === 'optimal') ? 'optimal' : 'feasible';
  return {
    stages: dp.stages.map((s, i) => ({
      ops: (chosen[i]?.choices ?? []).map((c) => c.node.id),
      mesh: s.mesh,
      latencySeconds: s.latencySeconds,
    })),
    ops: chosen.flatMap((p, i) => plannedOps(p.choices, i, dp.stages[i]?.mesh ?? [1, 1])),
    stepTimeSeconds: dp.stepTimeSeconds,
    solver: { name: SOLVERS[o.solver ?? 'highs'].name, status, seconds: (now() - started) / 1000 },
    layers: bounds.length - 1,
    stageProblems: sumCounts(tables.map((t) => t.stats)),
  };
}

function plannedOps(
  choices: readonly IntraOpChoice[],
  stage: number,
  mesh: MeshShape,
): PlannedOp[] {
  return choices.map(({ node, strategy }) => ({
    id: node.id,
    stage,
    mesh,
    strategy: strategy.name,
    inputs: node.inputs.map((tensor, k) => ({
      tensor,
      layout: formatLayout(strategy.inputLayouts[k] ?? []),
    })),
    outputs: node.outputs.map((tensor, k) => ({
      tensor,
      layout: formatLayout(strategy.outputLayouts[k] ?? []),
    })),
    ...(strategy.temporal === undefined ? {} : { temporal: strategy.temporal }),
  }));
}
