/**
 * From an operator graph to the plain sharding tables of search/ilp/model.ts: strategies per op
 * (strategies.ts, temporal.ts) and a resharding matrix per producer→consumer tensor edge
 * (resharding.ts). A subset of ops (one pipeline stage) may be planned alone: tensors coming from
 * outside the subset are treated as stage inputs that can be sliced to any layout for free.
 *
 * A node's strategies and an edge's matrix depend on the node, the graph and the mesh only, never
 * on which stage the node is planned in, so {@link MeshTables} computes each once per mesh and
 * every stage problem on that mesh is assembled from them (the stage DP asks for up to
 * layers² / 2 overlapping stages per mesh).
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

/** Strategies and resharding matrices of one graph on one mesh, each computed on first use. */
export class MeshTables {
  private readonly produced: ReadonlySet<string>;
  private readonly producer = new Map<string, OperatorNode>();
  private readonly strategyCache = new Map<OperatorNode, readonly Strategy[]>();
  private readonly costCache = new Map<OperatorNode, readonly number[]>();
  private readonly memoryCache = new Map<OperatorNode, readonly number[]>();
  /** Per consumer, per input: the matrix (undefined when the producer is not a node). */
  private readonly edgeCache = new Map<OperatorNode, (readonly (readonly number[])[])[]>();

  /** @param memoryBudgetBytes per-device budget for constraint (d); Infinity for none */
  constructor(
    readonly graph: OperatorGraph,
    readonly ctx: IntraOpContext,
    readonly memoryBudgetBytes: number,
  ) {
    this.produced = new Set(graph.nodes.flatMap((n) => n.outputs));
    for (const n of graph.nodes) for (const t of n.outputs) this.producer.set(t, n);
  }

  strategies(node: OperatorNode): readonly Strategy[] {
    let s = this.strategyCache.get(node);
    if (s === undefined) {
      s = enumerateStrategies(this.graph, node, this.ctx, this.produced);
      this.strategyCache.set(node, s);
      this.costCache.set(
        node,
        s.map((x) => x.computeSeconds + x.commSeconds),
      );
      this.memoryCache.set(
        node,
        s.map((x) => x.memoryBytes),
      );
    }
    return s;
  }

  private reshard(node: OperatorNode, k: number): readonly (readonly number[])[] {
    let row = this.edgeCache.get(node);
    if (row === undefined) {
      row = [];
      this.edgeCache.set(node, row);
    }
    const cached = row[k];
    if (cached !== undefined) return cached;
    const tensor = node.inputs[k] as string;
    const spec = this.graph.tensors[tensor];
    const from = this.producer.get(tensor);
    const bytes = spec === undefined ? 0 : tensorBytes(spec);
    const sv = this.strategies(node);
    const matrix = (from === undefined ? [] : this.strategies(from)).map((p) =>
      sv.map((c) =>
        reshardSeconds(
          bytes,
          p.outputLayouts[0] ?? [],
          c.inputLayouts[k] ?? [],
          this.ctx,
          this.ctx.training,
        ),
      ),
    );
    row[k] = matrix;
    return matrix;
  }

  /** The tables of `nodes` (in their order) planned together as one stage. */
  problem(nodes: readonly OperatorNode[]): IntraOpProblem {
    const strategies = nodes.map((n) => this.strategies(n));
    const index = new Map<string, number>();
    nodes.forEach((n, v) => n.outputs.forEach((t) => index.set(t, v)));
    const edges: ShardingEdge[] = [];
    const edgeTensors: { tensor: string; input: number }[] = [];
    nodes.forEach((node, v) => {
      node.inputs.forEach((tensor, k) => {
        const u = index.get(tensor);
        if (u === undefined || this.graph.tensors[tensor] === undefined) return;
        edges.push({ from: u, to: v, reshardCostSeconds: this.reshard(node, k) });
        edgeTensors.push({ tensor, input: k });
      });
    });
    const tables: ShardingTables = {
      nodeCostSeconds: nodes.map((n) => this.costCache.get(n) ?? []),
      nodeMemoryBytes: nodes.map((n) => this.memoryCache.get(n) ?? []),
      edges,
      memoryBudgetBytes: this.memoryBudgetBytes,
    };
    return { nodes, strategies, tables, edgeTensors };
  }
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
  return new MeshTables(graph, ctx, memoryBudgetBytes).problem(nodes);
}
