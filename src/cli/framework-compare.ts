/**
 * Which framework a plan is for, and whether another would be faster. The search only considers
 * what the chosen framework can launch (Megatron-LM: no ZeRO-3; DeepSpeed: ZeRO ≤ 1 with
 * pipelining; torchtitan: every schedule and FSDP), so the same request can plan faster under
 * another one — llama3-70b on 64 DGX H100 plans 11.8% faster under fsdp than under the default
 * megatron. When the search was cheap the CLI plans the request under the other frameworks too and
 * says so with numbers; otherwise it only names the framework.
 */
import type { ApiStrategy, PlanResponse } from '../contract/index.js';
import type { Json } from './request-file.js';
import { isObject } from './request-file.js';
import { percent, seconds } from './table.js';

export const FRAMEWORKS = ['megatron', 'deepspeed', 'fsdp'] as const;
export type FrameworkId = (typeof FRAMEWORKS)[number];
const DEFAULT_FRAMEWORK: FrameworkId = 'megatron';

/**
 * Searches that evaluated at most this many candidates are re-run under the other frameworks.
 * A count, not a clock, so the report is the same on every machine: 10,482 candidates (llama3-70b
 * on 512 H100) take about 2 s on the 2-core reference machine.
 */
export const COMPARE_MAX_CANDIDATES = 50_000;

export interface FrameworkResult {
  readonly framework: FrameworkId;
  /** null: no feasible plan under this framework (reason says why). */
  readonly stepTimeSeconds: number | null;
  readonly strategy: ApiStrategy | null;
  readonly reason?: string;
}

export interface FrameworkReport {
  readonly planned: FrameworkId;
  /** Where the framework came from: '--framework', the request file, or null (the default). */
  readonly chosenBy: string | null;
  /** The other frameworks' best plans; null when not compared (then `skipped` says why). */
  readonly others: readonly FrameworkResult[] | null;
  readonly skipped?: string;
}

/** The framework a plan request asks for. */
export function plannedFramework(body: Json): FrameworkId {
  const training = body['training'];
  const value = isObject(training) ? training['framework'] : undefined;
  return FRAMEWORKS.find((f) => f === value) ?? DEFAULT_FRAMEWORK;
}

/**
 * Only transformer plans on one homogeneous cluster have a framework to compare: an operator
 * graph or a mixed-GPU cluster is planned by other searches.
 */
export function hasFrameworkChoice(body: Json): boolean {
  const model = body['model'];
  const cluster = body['cluster'];
  const graph = isObject(model) && ('graph' in model || 'onnx' in model);
  const mixed = isObject(cluster) && ('groups' in cluster || 'mix' in cluster);
  return !graph && !mixed;
}

/** Why the request is not re-planned under the other frameworks, or null when it should be. */
export function skipReason(body: Json, response: PlanResponse, noCompare: boolean): string | null {
  if (noCompare) return '--no-compare';
  const search = isObject(body['search']) ? body['search'] : {};
  const objective = search['objective'];
  if (typeof objective === 'string' && objective !== 'fastest') return `objective ${objective}`;
  if (response.search.candidates > COMPARE_MAX_CANDIDATES) {
    return `the search evaluated ${response.search.candidates.toLocaleString('en-US')} candidates`;
  }
  return null;
}

/** The same request under `framework`: best plan only, no exports. */
export function requestUnder(body: Json, framework: FrameworkId): Json {
  const training = isObject(body['training']) ? body['training'] : {};
  const search: Json = { ...(isObject(body['search']) ? body['search'] : {}), topK: 0 };
  delete search['exports'];
  return { ...body, training: { ...training, framework }, search };
}

const shortStrategy = (s: ApiStrategy): string =>
  [
    `dp=${s.dataParallel} tp=${s.tensorParallel} pp=${s.pipelineParallel}`,
    s.virtualStages > 1 ? ` vpp=${s.virtualStages}` : '',
    `, ZeRO-${s.zeroStage}`,
    s.recompute === 'none' ? '' : `, recompute ${s.recompute}`,
    s.pipelineParallel > 1 ? `, ${s.schedule}` : '',
  ].join('');

function frameworkRow(r: FrameworkResult, mine: number): string[] {
  if (r.stepTimeSeconds === null) return [r.framework, 'no plan', r.reason ?? 'infeasible', ''];
  const slower = r.stepTimeSeconds / mine - 1;
  const relation =
    slower >= 0 ? `${percent(slower)} slower` : `${percent(mine / r.stepTimeSeconds - 1)} faster`;
  return [
    r.framework,
    `${seconds(r.stepTimeSeconds)}/step`,
    relation,
    r.strategy === null ? '' : shortStrategy(r.strategy),
  ];
}

/** Rows padded into columns, indented under the Framework line. */
function rows(cells: readonly (readonly string[])[]): string[] {
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  return cells.map((c) =>
    `  ${c.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd(),
  );
}

/**
 * The report's framework lines: the framework and where it came from; when compared, each
 * framework's best step time against this plan's, and the flag that plans for a faster one.
 */
export function frameworkLines(report: FrameworkReport, stepTimeSeconds: number): string[] {
  const how = report.chosenBy === null ? 'the default' : `from ${report.chosenBy}`;
  const head = `Framework: ${report.planned} (${how})`;
  if (report.others === null) {
    const others = FRAMEWORKS.filter((f) => f !== report.planned).join(', ');
    return [
      `${head}; not compared with ${others} (${report.skipped ?? 'skipped'}): --framework to plan for them`,
    ];
  }
  const faster = report.others
    .filter((r) => r.stepTimeSeconds !== null && r.stepTimeSeconds < stepTimeSeconds)
    .sort((a, b) => (a.stepTimeSeconds ?? 0) - (b.stepTimeSeconds ?? 0))[0];
  const table = rows([
    [report.planned, `${seconds(stepTimeSeconds)}/step`, 'this plan', ''],
    ...report.others.map((r) => frameworkRow(r, stepTimeSeconds)),
  ]);
  if (faster === undefined || faster.stepTimeSeconds === null) {
    return [`${head}, the fastest of the three for this request:`, ...table];
  }
  const gain = stepTimeSeconds / faster.stepTimeSeconds - 1;
  return [
    `${head}. ${faster.framework} would be ${percent(gain)} faster: plan with --framework ${faster.framework}`,
    ...table,
  ];
}
