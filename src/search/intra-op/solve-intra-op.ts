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

/** An IntraOpPlan plus the chosen strategy index of each node (what a reused range keeps). */
export interface IntraOpSolution extends IntraOpPlan {
  readonly choiceIndices?: readonly number[];
}

/**
 * Solve a built stage problem.
 * @param start a full assignment to warm-start the ILP from (strategy index per node)
 */
export async function solveIntraOpProblem(
  problem: IntraOpProblem,
  options: IntraOpOptions,
  start?: readonly number[],
): Promise<IntraOpSolution> {
  const build =
    options.edgeLinearisation === undefined ? {} : { edgeLinearisation: options.edgeLinearisation };
  const solution = await solveSharding(
    problem.tables,
    options.solver,
    { timeLimitSeconds: options.timeLimitSeconds, mipGap: options.mipGap },
    build,
    start,
  );
  const base = { status: solution.status, problem };
  if (solution.choices === undefined)
    return solution.violation === undefined ? base : { ...base, violation: solution.violation };
  return {
    ...base,
    choices: choicesOf(problem, solution.choices),
    choiceIndices: solution.choices,
    objectiveSeconds: solution.objectiveSeconds ?? 0,
    memoryBytes: solution.memoryBytes ?? 0,
  };
}

/** The nodes and strategies picked by `indices` (strategy index per node). */
export function choicesOf(problem: IntraOpProblem, indices: readonly number[]): IntraOpChoice[] {
  return indices.map((i, v) => ({
    node: problem.nodes[v] as OperatorNode,
    strategy: problem.strategies[v]?.[i] as Strategy,
  }));
}

/** Plan `nodes` (default all) of `graph` on the mesh of `ctx`. */
export async function solveIntraOp(
  graph: OperatorGraph,
  ctx: IntraOpContext,
  options: IntraOpOptions,
  nodes?: readonly OperatorNode[],
): Promise<IntraOpPlan> {
  return solveIntraOpProblem(
    buildIntraOpProblem(graph, ctx, options.memoryBudgetBytes, nodes),
    options,
  );
}
