/** Intra-operator sharding of a graph (or one stage) on one mesh: tables → ILP → re-checked choice. */
import type { OperatorGraph, OperatorNode } from '../../graph/operator-graph/index.js';
import {
  solveSharding,
  type EdgeLinearisation,
  type Solver,
  type SolveStatus,
} from '../ilp/index.js';
import { buildIntraOpProblem, type IntraOpProblem } from './problem.js';
import type { IntraOpContext, Strategy } from './types.js';

export interface IntraOpOptions {
  readonly solver: Solver;
  readonly timeLimitSeconds: number;
  /** Relative MIP gap (0 = optimal). */
  readonly mipGap: number;
  readonly memoryBudgetBytes: number;
  readonly edgeLinearisation?: EdgeLinearisation;
}

export interface IntraOpChoice {
  readonly node: OperatorNode;
  readonly strategy: Strategy;
}

export interface IntraOpPlan {
  readonly status: SolveStatus;
  /** Objective recomputed from the tables: Σ compute + comm + resharding, seconds. */
  readonly objectiveSeconds?: number;
  readonly memoryBytes?: number;
  readonly choices?: readonly IntraOpChoice[];
  readonly violation?: string;
  readonly problem: IntraOpProblem;
}

/** Plan `nodes` (default all) of `graph` on the mesh of `ctx`. */
export async function solveIntraOp(
  graph: OperatorGraph,
  ctx: IntraOpContext,
  options: IntraOpOptions,
  nodes?: readonly OperatorNode[],
): Promise<IntraOpPlan> {
  const problem = buildIntraOpProblem(graph, ctx, options.memoryBudgetBytes, nodes);
  const build =
    options.edgeLinearisation === undefined ? {} : { edgeLinearisation: options.edgeLinearisation };
  const solution = await solveSharding(
    problem.tables,
    options.solver,
    { timeLimitSeconds: options.timeLimitSeconds, mipGap: options.mipGap },
    build,
  );
  const base = { status: solution.status, problem };
  if (solution.choices === undefined)
    return solution.violation === undefined ? base : { ...base, violation: solution.violation };
  const choices = solution.choices.map((i, v) => ({
    node: problem.nodes[v] as OperatorNode,
    strategy: problem.strategies[v]?.[i] as Strategy,
  }));
  return {
    ...base,
    choices,
    objectiveSeconds: solution.objectiveSeconds ?? 0,
    memoryBytes: solution.memoryBytes ?? 0,
  };
}
