/**
 * HiGHS adapter (default solver): IlpModel → CPLEX LP text → `highs` (HiGHS compiled to WASM,
 * MIT). Options: `time_limit` (seconds), `mip_rel_gap`, `output_flag: false`.
 * @see highs npm README ("highs.solve(lpText, options)") and types.d.ts (HighsModelStatus);
 *      CPLEX LP format as read by HiGHS: https://ergo-code.github.io/HiGHS/dev/interfaces/file-formats/
 */
import highsImport from 'highs';
import type { IlpModel, LinearTerm } from './model.js';
import type { SolveOptions, SolveResult, Solver } from './solver.js';

type HighsLoader = typeof highsImport.default;
type Highs = Awaited<ReturnType<HighsLoader>>;
type HighsSolution = ReturnType<Highs['solve']>;
type HighsStatus = HighsSolution['Status'];

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

function columnValues(model: IlpModel, solution: HighsSolution): number[] | undefined {
  const values: number[] = [];
  for (const v of model.variables) {
    const column = solution.Columns[v.name] as { Primal?: number } | undefined;
    if (column?.Primal === undefined) return undefined;
    values.push(column.Primal);
  }
  return values;
}

/** Map a HiGHS status (and any incumbent) to the neutral result. */
function mapSolution(model: IlpModel, solution: HighsSolution): SolveResult {
  const status: HighsStatus = solution.Status;
  const withValues = (status: 'optimal' | 'feasible'): SolveResult => {
    const values = columnValues(model, solution);
    if (values === undefined || !Number.isFinite(solution.ObjectiveValue))
      return { status: 'timeout' };
    return { status, objective: solution.ObjectiveValue, values };
  };
  switch (status) {
    case 'Optimal':
      return withValues('optimal');
    case 'Time limit reached':
    case 'Iteration limit reached':
    case 'Bound on objective reached':
    case 'Target for objective reached':
      return withValues('feasible');
    case 'Infeasible':
    case 'Primal infeasible or unbounded':
    case 'Unbounded':
      return { status: 'infeasible' };
    case 'Not Set':
    case 'Load error':
    case 'Model error':
    case 'Presolve error':
    case 'Solve error':
    case 'Postsolve error':
    case 'Empty':
    case 'Unknown':
      throw new Error(`HiGHS failed: ${solution.Status}`);
  }
}

/** The HiGHS solver adapter. */
export const highsSolver: Solver = {
  name: 'highs',
  async solve(model: IlpModel, options: SolveOptions): Promise<SolveResult> {
    const module = await highs();
    const solution = module.solve(toLpText(model), {
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.mipGap,
      output_flag: false,
    });
    return mapSolution(model, solution);
  },
};
