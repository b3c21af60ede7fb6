/**
 * HiGHS adapter (default solver): IlpModel → HiGHS's structured model (CSR rows, column bounds,
 * integrality) on a persistent instance of `highs` (HiGHS compiled to WASM, MIT), optionally
 * warm-started with a feasible assignment. Options: `time_limit` (seconds), `mip_rel_gap`,
 * `output_flag: false`. `toLpText` writes the same model as CPLEX LP text, for reading and
 * debugging.
 * @see highs npm types.d.ts (createModel, ModelData, setSolution, ModelStatusCode);
 *      CPLEX LP format as read by HiGHS: https://ergo-code.github.io/HiGHS/dev/interfaces/file-formats/
 */
import highsImport from 'highs';
import type { IlpModel, LinearTerm } from './model.js';
import type { SolveOptions, SolveResult, SolveStatus, Solver } from './solver.js';

type HighsLoader = typeof highsImport.default;
type Highs = Awaited<ReturnType<HighsLoader>>;
type ModelData = Parameters<Highs['createModel']>[0] & { readonly numCols: number };

/**
 * The WASM module, loaded once per process on first use and reused by every solve. This is the
 * one piece of module state in search/: an immutable memo of a pure loader, not a result cache.
 */
let highsModule: Promise<Highs> | undefined;
function highs(): Promise<Highs> {
  // The package's typings are CommonJS-shaped; under ESM the default import is the loader itself.
  const loader: HighsLoader = typeof highsImport === 'function' ? highsImport : highsImport.default;
  highsModule ??= loader();
  return highsModule;
}

/** Terms per LP line (the LP reader accepts long lines; short ones keep errors readable). */
const TERMS_PER_LINE = 8;

function formatTerms(terms: readonly LinearTerm[], names: readonly string[]): string {
  if (terms.length === 0) return `0 ${names[0] ?? 'x'}`;
  const parts = terms.map((t, k) => {
    const sign = t.coefficient < 0 ? '-' : k === 0 ? '' : '+';
    const name = names[t.variable] as string;
    const abs = Math.abs(t.coefficient);
    return `${sign} ${abs === 1 ? '' : `${abs} `}${name}`.trim();
  });
  const lines: string[] = [];
  for (let k = 0; k < parts.length; k += TERMS_PER_LINE)
    lines.push(parts.slice(k, k + TERMS_PER_LINE).join(' '));
  return lines.join('\n   ');
}

/** CPLEX LP text of a model (minimisation). */
export function toLpText(model: IlpModel): string {
  const names = model.variables.map((v) => v.name);
  const out: string[] = ['Minimize', ` obj: ${formatTerms(model.objective, names)}`, 'Subject To'];
  for (const c of model.constraints)
    out.push(` ${c.label}: ${formatTerms(c.terms, names)} ${c.sense} ${c.rhs}`);
  out.push('Bounds');
  for (const v of model.variables) out.push(` ${v.lower} <= ${v.name} <= ${v.upper}`);
  const ints = model.variables.filter((v) => v.integer).map((v) => v.name);
  if (ints.length > 0) out.push('General', ...chunk(ints).map((l) => ` ${l}`));
  out.push('End');
  return out.join('\n');
}

function chunk(names: readonly string[]): string[] {
  const lines: string[] = [];
  for (let k = 0; k < names.length; k += TERMS_PER_LINE * 2)
    lines.push(names.slice(k, k + TERMS_PER_LINE * 2).join(' '));
  return lines;
}

/**
 * The model as HiGHS's structured input (no LP text to write and parse): one column per variable
 * with its objective coefficient and bounds, one CSR row per constraint with its sense as bounds
 * (`=`: [rhs, rhs], `<=`: [−∞, rhs], `>=`: [rhs, ∞]); a variable repeated in a row is summed.
 */
export function toHighsModelData(model: IlpModel, infinity: number): ModelData {
  const colCost = new Float64Array(model.variables.length);
  for (const t of model.objective) colCost[t.variable] = (colCost[t.variable] ?? 0) + t.coefficient;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  for (const c of model.constraints) {
    const row = new Map<number, number>();
    for (const t of c.terms) row.set(t.variable, (row.get(t.variable) ?? 0) + t.coefficient);
    for (const [variable, coefficient] of row) {
      indices.push(variable);
      values.push(coefficient);
    }
    starts.push(indices.length);
    rowLower.push(c.sense === '<=' ? -infinity : c.rhs);
    rowUpper.push(c.sense === '>=' ? infinity : c.rhs);
  }
  return {
    numCols: model.variables.length,
    numRows: model.constraints.length,
    colCost,
    colLower: model.variables.map((v) => v.lower),
    colUpper: model.variables.map((v) => v.upper),
    rowLower,
    rowUpper,
    matrix: {
      format: 'csr',
      numRows: model.constraints.length,
      numCols: model.variables.length,
      starts,
      indices,
      values,
    },
    integrality: model.variables.map((v) => (v.integer ? 1 : 0)),
  };
}

/** HiGHS model status codes (types.d.ts ModelStatusCode) → the neutral status. */
function statusOf(code: number): SolveStatus | 'error' {
  switch (code) {
    case 7: // Optimal
      return 'optimal';
    case 11: // Objective bound reached
    case 12: // Objective target reached
    case 13: // Time limit reached
    case 14: // Iteration limit reached
    case 16: // Solution-count limit reached
    case 17: // Interrupted
      return 'feasible';
    case 8: // Infeasible
    case 9: // Unbounded or infeasible
    case 10: // Unbounded
      return 'infeasible';
    default: // 0–6 not set / load, model, presolve, solve, postsolve error / empty; 15 unknown
      return 'error';
  }
}

/** Solve on a persistent HiGHS instance (disposed before returning). */
function run(module: Highs, model: IlpModel, options: SolveOptions): SolveResult {
  const instance = module.createModel(toHighsModelData(model, module.infinity));
  try {
    instance.options.set({
      output_flag: false,
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.mipGap,
    });
    if (options.start !== undefined) instance.setSolution({ colValue: options.start });
    const code = instance.run().modelStatus;
    const status = statusOf(code);
    if (status === 'error') throw new Error(`HiGHS failed: model status ${code}`);
    if (status === 'infeasible') return { status };
    const hasSolution =
      instance.info.get('primal_solution_status') === module.constants.solutionStatus.feasible;
    const objective = instance.getObjectiveValue();
    if (!hasSolution || !Number.isFinite(objective)) return { status: 'timeout' };
    return { status, objective, values: [...instance.getSolution().colValue] };
  } finally {
    instance.dispose();
  }
}

/**
 * The HiGHS solver adapter. A `start` is handed to HiGHS as its first incumbent (setSolution):
 * HiGHS checks it and, when feasible, prunes against it from the first node (a warm start).
 */
export const highsSolver: Solver = {
  name: 'highs',
  async solve(model: IlpModel, options: SolveOptions): Promise<SolveResult> {
    return run(await highs(), model, options);
  },
};
