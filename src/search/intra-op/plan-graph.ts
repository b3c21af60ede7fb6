/**
 * planOperatorGraph: the planner entry for operator graphs (issue #4). Alpa's two levels
 * (OSDI'22 §5): the graph's ops, in topological order, are grouped into at most
 * {@link MAX_LAYERS} FLOP-balanced layers; the stage DP (stage-dp.ts) slices the layers into
 * pipeline stages on sub-meshes, each stage costed by the intra-op ILP on its sub-mesh.
 * Shapes in the graph are per micro-batch. Cross-stage activation transfers are not costed.
 */
import { ReasonedDomainError } from '../../base/index.js';
import { forwardFlops } from '../../costmodel/index.js';
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';
import type { DeviceProfile, LinkProfile } from '../../hardware-profiles/index.js';
import { SOLVERS, type SolverName, type SolveStatus } from '../ilp/index.js';
import { solveStageDp, type SubmeshShape } from '../stage-dp.js';
import { formatLayout, type MeshShape } from './layout.js';
import { solveIntraOp, type IntraOpPlan } from './solve-intra-op.js';

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

/** Contiguous FLOP-balanced groups of the topological node order. */
export function groupLayers(graph: OperatorGraph, maxLayers: number): OperatorNode[][] {
  const count = Math.min(maxLayers, graph.nodes.length);
  const flops = graph.nodes.map((n) => forwardFlops(graph, n) + 1);
  const total = flops.reduce((s, f) => s + f, 0);
  const layers: OperatorNode[][] = [[]];
  let acc = 0;
  graph.nodes.forEach((node, i) => {
    const remainingNodes = graph.nodes.length - i;
    const open = layers[layers.length - 1] as OperatorNode[];
    const mustSplit = remainingNodes <= count - layers.length;
    if (
      open.length > 0 &&
      layers.length < count &&
      (acc >= (total * layers.length) / count || mustSplit)
    )
      layers.push([]);
    (layers[layers.length - 1] as OperatorNode[]).push(node);
    acc += flops[i] as number;
  });
  return layers;
}

/** Plan an operator graph on `numDevices` GPUs (see file comment). */
export async function planOperatorGraph(
  graph: OperatorGraph,
  o: PlanGraphOptions,
): Promise<OperatorGraphPlan> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const solver = SOLVERS[o.solver ?? 'highs'];
  const layers = groupLayers(graph, MAX_LAYERS);
  const submeshes = candidateSubmeshes(o.numDevices, o.gpusPerNode);
  const calls = (layers.length * (layers.length + 1) * submeshes.length) / 2;
  const perCall = Math.max(MIN_ILP_SECONDS, o.timeLimitSeconds / calls);
  const plans = new Map<string, IntraOpPlan>();
  const stagePlan = async (
    start: number,
    end: number,
    mesh: SubmeshShape,
  ): Promise<IntraOpPlan> => {
    const key = `${start}:${end}:${mesh[0]}x${mesh[1]}`;
    const ctx = { mesh, links: linksFor(mesh, o), device: o.device, training: true };
    const options = {
      solver,
      timeLimitSeconds: perCall,
      mipGap: 0,
      memoryBudgetBytes: o.memoryBudgetBytes,
    };
    const plan =
      plans.get(key) ?? (await solveIntraOp(graph, ctx, options, layers.slice(start, end).flat()));
    plans.set(key, plan);
    return plan;
  };
  for (let k = 0; k < layers.length; k++)
    for (let j = k + 1; j <= layers.length; j++)
      for (const s of submeshes) await stagePlan(k, j, s);
  const cost = (k: number, j: number, s: SubmeshShape): number =>
    plans.get(`${k}:${j}:${s[0]}x${s[1]}`)?.objectiveSeconds ?? Infinity;
  const dp = solveStageDp({
    numOps: layers.length,
    numDevices: o.numDevices,
    submeshes,
    microBatches: o.microBatches,
    stageCost: cost,
  });
  if (dp === undefined)
    throw new GraphPlanningError(
      'no-feasible-plan',
      `no stage slicing of ${graph.nodes.length} ops fits ${o.numDevices} devices within ${o.memoryBudgetBytes} bytes per device`,
    );
  const chosen = await Promise.all(dp.stages.map((s) => stagePlan(s.start, s.end, s.mesh)));
  const status: SolveStatus = chosen.every((p) => p.status === 'optimal') ? 'optimal' : 'feasible';
  const ops = chosen.flatMap((p, stage) => plannedOps(p, stage, dp.stages[stage]?.mesh ?? [1, 1]));
  return {
    stages: dp.stages.map((s, i) => ({
      ops: (chosen[i]?.choices ?? []).map((c) => c.node.id),
      mesh: s.mesh,
      latencySeconds: s.latencySeconds,
    })),
    ops,
    stepTimeSeconds: dp.stepTimeSeconds,
    solver: { name: solver.name, status, seconds: (now() - started) / 1000 },
  };
}

function plannedOps(plan: IntraOpPlan, stage: number, mesh: MeshShape): PlannedOp[] {
  return (plan.choices ?? []).map(({ node, strategy }) => ({
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
