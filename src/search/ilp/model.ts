/**
 * A solver-neutral integer linear program and the intra-operator sharding ILP built on it
 * (STYLE.md §9). Adapters (highs-adapter.ts, lp-solver-adapter.ts) translate {@link IlpModel}.
 *
 * Formulation (Zheng et al., "Alpa", OSDI'22, §4.2, Eq. (1)). Node v has strategies S_v with
 * cost c_v (compute + communication seconds) and memory m_v (bytes per device); edge (u, v) has a
 * resharding matrix R_uv (seconds). Variables s_v ∈ {0,1}^|S_v|, e_uv ∈ [0,1]^(|S_u|·|S_v|).
 *   minimise   Σ_v c_v·s_v + Σ_(u,v) R_uv·e_uv
 *   (a) s_v(i) ∈ {0, 1}                                   one-hot choice vector per node
 *   (b) Σ_i s_v(i) = 1                                     each node picks exactly one strategy
 *   (c) e_uv(i,j) ≤ s_u(i), e_uv(i,j) ≤ s_v(j), Σ e_uv = 1  linearised product s_u(i)·s_v(j)
 *   (d) Σ_v m_v·s_v ≤ memoryBudgetBytes                    per-device memory (all ops resident)
 * With 'marginal' linearisation, (c) is replaced by the equivalent, tighter
 *   (c′) Σ_j e_uv(i,j) = s_u(i) ∀i,  Σ_i e_uv(i,j) = s_v(j) ∀j
 * (the local-marginal polytope; with binary s it admits exactly e = s_u ⊗ s_v, like (c)).
 * Edges whose matrix is all zero are left out: they add nothing to the objective.
 */

export interface IlpVariable {
  /** LP-format-safe name (letters, digits, underscore). */
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
  readonly integer: boolean;
}

export interface LinearTerm {
  /** Index into {@link IlpModel.variables}. */
  readonly variable: number;
  readonly coefficient: number;
}

export type ConstraintSense = '<=' | '>=' | '=';

export interface LinearConstraint {
  /** LP-format-safe name, prefixed with the formulation letter: `b_3`, `c_7_1_2`, `d_mem`. */
  readonly label: string;
  readonly terms: readonly LinearTerm[];
  readonly sense: ConstraintSense;
  readonly rhs: number;
}

/** minimise Σ objective · x subject to constraints, bounds and integrality. */
export interface IlpModel {
  readonly variables: readonly IlpVariable[];
  readonly constraints: readonly LinearConstraint[];
  readonly objective: readonly LinearTerm[];
}

/** Plain numeric tables of a sharding problem (what Alpa hands its solver as N, M, c, d, m, r). */
export interface ShardingTables {
  /** nodeCostSeconds[v][i]: compute + communication seconds of strategy i of node v. */
  readonly nodeCostSeconds: readonly (readonly number[])[];
  /** nodeMemoryBytes[v][i]: bytes per device of strategy i of node v. */
  readonly nodeMemoryBytes: readonly (readonly number[])[];
  /** Edges u → v with reshardCostSeconds[i][j] for producer strategy i, consumer strategy j. */
  readonly edges: readonly ShardingEdge[];
  /** Per-device memory budget; Infinity leaves constraint (d) out. */
  readonly memoryBudgetBytes: number;
}

export interface ShardingEdge {
  readonly from: number;
  readonly to: number;
  readonly reshardCostSeconds: readonly (readonly number[])[];
}

export type EdgeLinearisation = 'alpa' | 'marginal';

export interface BuildOptions {
  /** Seconds per objective unit; the model's objective is seconds / this (default 1e-6: µs). */
  readonly objectiveUnitSeconds?: number;
  /** (c) as in Alpa's paper, or the equivalent (c′); default 'marginal' (faster, see bench/ilp.ts). */
  readonly edgeLinearisation?: EdgeLinearisation;
}

/** The built model plus where each node's one-hot block and each edge's product block start. */
export interface ShardingIlp {
  readonly model: IlpModel;
  /** nodeOffsets[v]: index of s_v(0) in model.variables. */
  readonly nodeOffsets: readonly number[];
  /** edgeOffsets[k]: index of e_k(0, 0), or -1 for an edge left out (all-zero matrix). */
  readonly edgeOffsets: readonly number[];
  readonly objectiveUnitSeconds: number;
}

const DEFAULT_OBJECTIVE_UNIT_SECONDS = 1e-6;

/** Build the sharding ILP of the file comment from plain tables. */
export function buildShardingIlp(tables: ShardingTables, options: BuildOptions = {}): ShardingIlp {
  const unit = options.objectiveUnitSeconds ?? DEFAULT_OBJECTIVE_UNIT_SECONDS;
  const variables: IlpVariable[] = [];
  const constraints: LinearConstraint[] = [];
  const objective: LinearTerm[] = [];
  const nodeOffsets: number[] = [];
  const edgeOffsets: number[] = [];
  tables.nodeCostSeconds.forEach((costs, v) => {
    nodeOffsets.push(variables.length);
    const terms = costs.map((cost, i) => {
      const variable = variables.length;
      // (a) s_v(i) ∈ {0, 1}
      variables.push({ name: `s_${v}_${i}`, lower: 0, upper: 1, integer: true });
      if (cost !== 0) objective.push({ variable, coefficient: cost / unit });
      return { variable, coefficient: 1 };
    });
    // (b) each node picks exactly one strategy
    constraints.push({ label: `b_${v}`, terms, sense: '=', rhs: 1 });
  });
  tables.edges.forEach((edge, k) => {
    if (edge.reshardCostSeconds.every((row) => row.every((x) => x === 0))) {
      edgeOffsets.push(-1);
      return;
    }
    edgeOffsets.push(variables.length);
    addEdge(edge, k, nodeOffsets, unit, options.edgeLinearisation ?? 'marginal', {
      variables,
      constraints,
      objective,
    });
  });
  if (Number.isFinite(tables.memoryBudgetBytes)) {
    // (d) per-device memory budget, scaled by the budget so coefficients are O(1)
    const terms = tables.nodeMemoryBytes.flatMap((mem, v) =>
      mem.map((m, i) => ({
        variable: (nodeOffsets[v] as number) + i,
        coefficient: m / tables.memoryBudgetBytes,
      })),
    );
    constraints.push({
      label: 'd_mem',
      terms: terms.filter((t) => t.coefficient !== 0),
      sense: '<=',
      rhs: 1,
    });
  }
  return {
    model: { variables, constraints, objective },
    nodeOffsets,
    edgeOffsets,
    objectiveUnitSeconds: unit,
  };
}

/**
 * The variable values of a full assignment (choices[v] = strategy index of node v): s_v one-hot,
 * e_uv = s_u ⊗ s_v. Satisfies (a)–(c) by construction; (d) only if the assignment fits.
 */
export function assignmentValues(
  tables: ShardingTables,
  ilp: ShardingIlp,
  choices: readonly number[],
): number[] {
  const values = new Array<number>(ilp.model.variables.length).fill(0);
  choices.forEach((i, v) => (values[(ilp.nodeOffsets[v] as number) + i] = 1));
  tables.edges.forEach((edge, k) => {
    const offset = ilp.edgeOffsets[k] as number;
    if (offset < 0) return;
    const cols = edge.reshardCostSeconds[0]?.length ?? 0;
    values[offset + (choices[edge.from] as number) * cols + (choices[edge.to] as number)] = 1;
  });
  return values;
}

interface Sink {
  variables: IlpVariable[];
  constraints: LinearConstraint[];
  objective: LinearTerm[];
}

function addEdge(
  edge: ShardingEdge,
  k: number,
  offsets: readonly number[],
  unit: number,
  form: EdgeLinearisation,
  sink: Sink,
): void {
  const su = offsets[edge.from] as number;
  const sv = offsets[edge.to] as number;
  const rows = edge.reshardCostSeconds.length;
  const cols = edge.reshardCostSeconds[0]?.length ?? 0;
  const e: number[][] = [];
  for (let i = 0; i < rows; i++) {
    e.push([]);
    for (let j = 0; j < cols; j++) {
      const variable = sink.variables.length;
      sink.variables.push({ name: `e_${k}_${i}_${j}`, lower: 0, upper: 1, integer: false });
      e[i]?.push(variable);
      const cost = edge.reshardCostSeconds[i]?.[j] ?? 0;
      if (cost !== 0) sink.objective.push({ variable, coefficient: cost / unit });
    }
  }
  const one = (variable: number): LinearTerm => ({ variable, coefficient: 1 });
  const minus = (variable: number): LinearTerm => ({ variable, coefficient: -1 });
  if (form === 'alpa') {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const x = e[i]?.[j] as number;
        // (c) e_uv(i,j) ≤ s_u(i) and e_uv(i,j) ≤ s_v(j)
        sink.constraints.push({
          label: `c_${k}_u_${i}_${j}`,
          terms: [one(x), minus(su + i)],
          sense: '<=',
          rhs: 0,
        });
        sink.constraints.push({
          label: `c_${k}_v_${i}_${j}`,
          terms: [one(x), minus(sv + j)],
          sense: '<=',
          rhs: 0,
        });
      }
    }
    // (c) Σ e_uv = 1
    sink.constraints.push({ label: `c_${k}_sum`, terms: e.flat().map(one), sense: '=', rhs: 1 });
    return;
  }
  // (c′) row and column marginals of e_uv equal s_u and s_v
  for (let i = 0; i < rows; i++)
    sink.constraints.push({
      label: `c_${k}_u_${i}`,
      terms: [...(e[i] ?? []).map(one), minus(su + i)],
      sense: '=',
      rhs: 0,
    });
  for (let j = 0; j < cols; j++)
    sink.constraints.push({
      label: `c_${k}_v_${j}`,
      terms: [...e.map((r) => one(r[j] as number)), minus(sv + j)],
      sense: '=',
      rhs: 0,
    });
}
