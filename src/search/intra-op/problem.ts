/**
 * From an operator graph to the plain sharding tables of search/ilp/model.ts: strategies per op
 * (strategies.ts, temporal.ts) and a resharding matrix per producer→consumer tensor edge
 * (resharding.ts). A subset of ops (one pipeline stage) may be planned alone: tensors coming from
 * outside the subset are treated as stage inputs that can be sliced to any layout for free.
 */
import { tensorBytes } from '../../costmodel/index.js';
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';
import type { ShardingEdge, ShardingTables } from '../ilp/index.js';
import { reshardSeconds } from './resharding.js';
import { enumerateStrategies } from './strategies.js';
import type { IntraOpContext, Strategy } from './types.js';

export interface IntraOpProblem {
  readonly nodes: readonly OperatorNode[];
  /** strategies[v]: candidate strategies of nodes[v], sorted by name. */
  readonly strategies: readonly (readonly Strategy[])[];
  readonly tables: ShardingTables;
  /** edgeTensors[k]: tensor name and consumer input index of tables.edges[k]. */
  readonly edgeTensors: readonly { readonly tensor: string; readonly input: number }[];
}

/**
 * Build the tables for `nodes` (default: the whole graph).
 * @param memoryBudgetBytes per-device budget for constraint (d); Infinity for none
 */
export function buildIntraOpProblem(
  graph: OperatorGraph,
  ctx: IntraOpContext,
  memoryBudgetBytes: number,
  nodes: readonly OperatorNode[] = graph.nodes,
): IntraOpProblem {
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  const strategies = nodes.map((n) => enumerateStrategies(graph, n, ctx, produced));
  const index = new Map<string, number>();
  nodes.forEach((n, v) => n.outputs.forEach((t) => index.set(t, v)));
  const edges: ShardingEdge[] = [];
  const edgeTensors: { tensor: string; input: number }[] = [];
  nodes.forEach((node, v) => {
    node.inputs.forEach((tensor, k) => {
      const u = index.get(tensor);
      const spec = graph.tensors[tensor];
      if (u === undefined || spec === undefined) return;
      const bytes = tensorBytes(spec);
      const su = strategies[u] ?? [];
      const sv = strategies[v] ?? [];
      const reshardCostSeconds = su.map((p) =>
        sv.map((c) =>
          reshardSeconds(
            bytes,
            p.outputLayouts[0] ?? [],
            c.inputLayouts[k] ?? [],
            ctx,
            ctx.training,
          ),
        ),
      );
      edges.push({ from: u, to: v, reshardCostSeconds });
      edgeTensors.push({ tensor, input: k });
    });
  });
  const tables: ShardingTables = {
    nodeCostSeconds: strategies.map((ss) => ss.map((s) => s.computeSeconds + s.commSeconds)),
    nodeMemoryBytes: strategies.map((ss) => ss.map((s) => s.memoryBytes)),
    edges,
    memoryBudgetBytes,
  };
  return { nodes, strategies, tables, edgeTensors };
}
