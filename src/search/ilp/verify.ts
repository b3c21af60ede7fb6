/**
 * Re-check of every solver answer in TypeScript (issue #4): whatever the adapter, an assignment is
 * decoded from the one-hot blocks and checked — each node picks exactly one strategy (b), memory
 * fits (d), and the objective is recomputed from the tables. An answer that fails is reported as
 * `infeasible` with a `violation`, never trusted.
 */
import {
  assignmentValues,
  buildShardingIlp,
  type BuildOptions,
  type ShardingIlp,
  type ShardingTables,
} from './model.js';
import type { SolveOptions, SolveResult, SolveStatus, Solver } from './solver.js';

/** Distance from 0/1 accepted as integral (solvers work to ~1e-9 feasibility tolerance). */
export const INTEGRALITY_TOLERANCE = 1e-6;
/** Relative tolerance between the solver's objective and the recomputed one. */
export const OBJECTIVE_RELATIVE_TOLERANCE = 1e-6;

export interface ShardingSolution {
  readonly status: SolveStatus;
  /** choices[v] = chosen strategy index of node v (present for optimal/feasible). */
  readonly choices?: readonly number[];
  /** Objective recomputed from the tables, seconds. */
  readonly objectiveSeconds?: number;
  /** Σ memory of the chosen strategies, bytes per device. */
  readonly memoryBytes?: number;
  /** Why a returned assignment was rejected. */
  readonly violation?: string;
}

/** Objective (seconds) and memory (bytes) of a full assignment, straight from the tables. */
export function evaluateChoices(
  tables: ShardingTables,
  choices: readonly number[],
): { objectiveSeconds: number; memoryBytes: number } {
  let objectiveSeconds = 0;
  let memoryBytes = 0;
  choices.forEach((i, v) => {
    objectiveSeconds += tables.nodeCostSeconds[v]?.[i] ?? NaN;
    memoryBytes += tables.nodeMemoryBytes[v]?.[i] ?? NaN;
  });
  for (const edge of tables.edges) {
    const i = choices[edge.from] as number;
    const j = choices[edge.to] as number;
    objectiveSeconds += edge.reshardCostSeconds[i]?.[j] ?? NaN;
  }
  return { objectiveSeconds, memoryBytes };
}

function decodeChoices(
  tables: ShardingTables,
  ilp: ShardingIlp,
  values: readonly number[],
): number[] | string {
  const choices: number[] = [];
  for (let v = 0; v < tables.nodeCostSeconds.length; v++) {
    const count = tables.nodeCostSeconds[v]?.length ?? 0;
    const offset = ilp.nodeOffsets[v] as number;
    const picked: number[] = [];
    for (let i = 0; i < count; i++) {
      const x = values[offset + i];
      if (x === undefined || !Number.isFinite(x)) return `s_${v}_${i} has no value`;
      if (Math.abs(x) > INTEGRALITY_TOLERANCE && Math.abs(x - 1) > INTEGRALITY_TOLERANCE)
        return `s_${v}_${i} = ${x} is fractional`;
      if (x > 0.5) picked.push(i);
    }
    if (picked.length !== 1) return `(b) node ${v} picks ${picked.length} strategies`;
    choices.push(picked[0] as number);
  }
  return choices;
}

/** Check one solver result against the tables (see file comment). */
export function recheckResult(
  tables: ShardingTables,
  ilp: ShardingIlp,
  result: SolveResult,
): ShardingSolution {
  if (result.status !== 'optimal' && result.status !== 'feasible') return { status: result.status };
  if (result.values === undefined)
    return { status: 'infeasible', violation: `${result.status} result without values` };
  const choices = decodeChoices(tables, ilp, result.values);
  if (typeof choices === 'string') return { status: 'infeasible', violation: choices };
  const { objectiveSeconds, memoryBytes } = evaluateChoices(tables, choices);
  if (memoryBytes > tables.memoryBudgetBytes * (1 + OBJECTIVE_RELATIVE_TOLERANCE)) {
    return {
      status: 'infeasible',
      violation: `(d) memory ${memoryBytes} B exceeds budget ${tables.memoryBudgetBytes} B`,
    };
  }
  if (result.objective !== undefined) {
    const reported = result.objective * ilp.objectiveUnitSeconds;
    const slack =
      OBJECTIVE_RELATIVE_TOLERANCE * Math.max(Math.abs(objectiveSeconds), ilp.objectiveUnitSeconds);
    if (Math.abs(reported - objectiveSeconds) > slack) {
      return {
        status: 'infeasible',
        violation: `objective ${reported} s reported, ${objectiveSeconds} s recomputed`,
      };
    }
  }
  return { status: result.status, choices, objectiveSeconds, memoryBytes };
}

/**
 * Build the ILP from tables, solve it with `solver`, and re-check the answer.
 * @param startChoices a full assignment to warm-start from (strategy index per node), e.g. the
 *   union of solved sub-ranges; a hint, ignored by adapters that take none
 */
export async function solveSharding(
  tables: ShardingTables,
  solver: Solver,
  options: SolveOptions,
  buildOptions: BuildOptions = {},
  startChoices?: readonly number[],
): Promise<ShardingSolution> {
  const ilp = buildShardingIlp(tables, buildOptions);
  const start =
    startChoices === undefined ? undefined : assignmentValues(tables, ilp, startChoices);
  const result = await solver.solve(
    ilp.model,
    start === undefined ? options : { ...options, start },
  );
  return recheckResult(tables, ilp, result);
}
