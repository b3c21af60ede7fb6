/**
 * `strata study spec.json [--json] [--csv out.csv]`: runs a study in-process (embedded worker
 * pool, in-memory store) with a progress bar on stderr, and returns the report to print: a row per
 * scenario, then per model the Pareto frontier and the cheapest scenario meeting the deadline
 * (scenarios of different models are never compared). A spec the API would refuse is reported
 * as the API's 400, one line per issue with its path in the spec.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadProfileCatalog } from '../hardware-profiles/index.js';
import type { ModelAnalysis, ScenarioResult, StudySnapshot } from '../service/index.js';
import { analyseStudy, openStudyRuntime, resultsToCsv, studyErrorToApi } from '../service/index.js';
import { parse } from './args.js';
import { CliRequestError, CliUsageError } from './errors.js';
import { commandHelp } from './flag-spec.js';
import { STUDY_SPEC } from './other-specs.js';
import { requestSource } from './request-command.js';
import type { ProgressStream } from './progress.js';
import { count, gib, percent, seconds, table } from './table.js';

const BAR_WIDTH = 30;

export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

const money = (usd: number | null): string => (usd === null ? '—' : `$${count(usd)}`);
const fixed = (v: number | null, digits: number): string => (v === null ? '—' : v.toFixed(digits));

const HEADER = [
  '#',
  'scenario',
  'GPUs',
  'strategy',
  'memory',
  'step time',
  'tokens/s',
  'MFU',
  'days',
  'GPU-hours',
  '$ cost',
  'kWh',
];

function strategyCell(r: ScenarioResult): string {
  const s = r.plan?.strategy;
  if (s === undefined) return '—';
  const extra = [
    s.virtualStages > 1 ? `v${s.virtualStages}` : '',
    s.zeroStage > 0 ? `Z${s.zeroStage}` : '',
    s.recompute === 'none' ? '' : `rc-${s.recompute}`,
  ].filter((x) => x !== '');
  return [`${s.dp}×${s.tp}×${s.pp}`, ...extra].join(' ');
}

function rowOf(r: ScenarioResult): string[] {
  const e = r.plan?.estimate;
  return [
    String(r.scenario.index),
    r.scenario.label,
    String(r.plan?.worldSize ?? r.scenario.gpus ?? '—'),
    strategyCell(r),
    e === undefined ? '—' : gib(e.peakMemoryBytesPerGpu),
    e === undefined ? (r.error?.reason ?? '—') : seconds(e.stepTimeSeconds),
    e === undefined ? '—' : count(e.tokensPerSecond),
    e === undefined ? '—' : percent(e.mfu),
    fixed(r.timeToTrainDays, 2),
    r.gpuHours === null ? '—' : count(r.gpuHours),
    money(r.costUsd),
    r.energyKwh === null ? '—' : count(r.energyKwh),
  ];
}

function modelSection(m: ModelAnalysis, byIndex: ReadonlyMap<number, ScenarioResult>): string[] {
  const frontier = m.frontier.flatMap((p) => {
    const r = byIndex.get(p.index);
    return r === undefined ? [] : [rowOf(r)];
  });
  const cheapest = m.cheapestMeetingDeadline;
  return [
    '',
    `${m.model}: ${m.feasibleCount} feasible, ${m.infeasibleCount} infeasible`,
    'Pareto frontier (time to train vs cost)',
    frontier.length === 0 ? '  (no costed feasible scenario)' : table(HEADER, frontier),
    cheapest === null
      ? 'Cheapest scenario meeting the deadline: none'
      : `Cheapest scenario meeting the deadline: #${cheapest.scenario.index} ${cheapest.scenario.label} — ${money(cheapest.costUsd)}, ${fixed(cheapest.timeToTrainDays, 2)} days`,
  ];
}

export function studyReport(snapshot: StudySnapshot): string {
  const analysis = analyseStudy(snapshot.results);
  const byIndex = new Map(snapshot.results.map((r) => [r.scenario.index, r]));
  return [
    `Study ${snapshot.id.slice(0, 12)} — ${snapshot.status}, ${snapshot.progress.done}/${snapshot.progress.total} scenarios (${analysis.feasibleCount} feasible)`,
    '',
    table(HEADER, snapshot.results.map(rowOf)),
    ...analysis.models.flatMap((m) => modelSection(m, byIndex)),
  ].join('\n');
}

export interface StudyCommandIo {
  readonly stderr: ProgressStream;
}

function readSpec(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new CliUsageError(
      null,
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export async function runStudyCommand(
  argv: readonly string[],
  io: StudyCommandIo = { stderr: process.stderr },
): Promise<string> {
  const { values, positionals } = parse(argv, STUDY_SPEC, true);
  if (values['help'] === true) return commandHelp(STUDY_SPEC);
  const [specPath, ...extra] = positionals;
  if (specPath === undefined || extra.length > 0) {
    throw new CliUsageError(null, `give one spec file. Usage: strata study ${STUDY_SPEC.synopsis}`);
  }
  const spec = readSpec(specPath);
  const source = requestSource(STUDY_SPEC, values, specPath, 'study spec');
  const quiet = values['quiet'] === true;
  const runtime = await openStudyRuntime(loadProfileCatalog(), { persist: false });
  try {
    const submitted = await runtime.service.submit(spec).catch((error: unknown) => {
      throw new CliRequestError(studyErrorToApi(error), source);
    });
    const { id, progress } = submitted;
    const bar = (done: number, total: number): void => {
      if (!quiet) io.stderr.write(progressBar(done, total));
    };
    bar(progress.done, progress.total);
    runtime.service.subscribe(id, (e) => {
      if (e.type === 'progress') bar(e.progress.done, e.progress.total);
    });
    await runtime.service.settled(id);
    if (!quiet) io.stderr.write('\n');
    const snapshot = await runtime.service.get(id);
    if (snapshot === null) throw new Error(`study ${id} vanished`);
    const csvPath = values['csv'];
    if (typeof csvPath === 'string') writeFileSync(csvPath, resultsToCsv(snapshot.results));
    return values['json'] === true
      ? JSON.stringify({ ...snapshot, analysis: analyseStudy(snapshot.results) }, null, 2)
      : studyReport(snapshot);
  } finally {
    await runtime.close();
  }
}
