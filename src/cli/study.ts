/**
 * `strata study spec.json [--json] [--csv out.csv]`: runs a study in-process (embedded worker
 * pool, in-memory store) with a progress bar on stderr, and returns the report to print: a
 * table per scenario, the Pareto frontier and the cheapest scenario meeting the deadline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadProfileCatalog } from '../hardware-profiles/index.js';
import type { ScenarioResult } from '../studies/index.js';
import type { StudySnapshot } from '../service/studies/index.js';
import { analyseStudy, resultsToCsv } from '../studies/index.js';
import { openStudyRuntime } from '../service/studies/index.js';
import { parse } from './args.js';
import { CliUsageError } from './errors.js';
import { count, percent, seconds, table } from './table.js';

export const STUDY_USAGE = 'Usage: strata study <spec.json> [--json] [--csv <out.csv>]';
const BAR_WIDTH = 30;

export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

const money = (usd: number | null): string => (usd === null ? '—' : `$${count(usd)}`);
const fixed = (v: number | null, digits: number): string => (v === null ? '—' : v.toFixed(digits));

function rowOf(r: ScenarioResult): string[] {
  const e = r.plan?.estimate;
  return [
    String(r.scenario.index),
    r.scenario.label,
    String(r.plan?.worldSize ?? r.scenario.gpus ?? '—'),
    e === undefined ? (r.error?.reason ?? '—') : seconds(e.stepTimeSeconds),
    e === undefined ? '—' : count(e.tokensPerSecond),
    e === undefined ? '—' : percent(e.mfu),
    fixed(r.timeToTrainDays, 2),
    r.gpuHours === null ? '—' : count(r.gpuHours),
    money(r.costUsd),
    r.energyKwh === null ? '—' : count(r.energyKwh),
  ];
}

export function studyReport(snapshot: StudySnapshot): string {
  const analysis = analyseStudy(snapshot.results);
  const byIndex = new Map(snapshot.results.map((r) => [r.scenario.index, r]));
  const header = [
    '#',
    'scenario',
    'GPUs',
    'step time',
    'tokens/s',
    'MFU',
    'days',
    'GPU-hours',
    '$ cost',
    'kWh',
  ];
  const frontier = analysis.frontier.flatMap((p) => {
    const r = byIndex.get(p.index);
    return r === undefined ? [] : [rowOf(r)];
  });
  const cheapest = analysis.cheapestMeetingDeadline;
  return [
    `Study ${snapshot.id.slice(0, 12)} — ${snapshot.status}, ${snapshot.progress.done}/${snapshot.progress.total} scenarios (${analysis.feasibleCount} feasible)`,
    '',
    table(header, snapshot.results.map(rowOf)),
    '',
    'Pareto frontier (time to train vs cost)',
    frontier.length === 0 ? '  (no costed feasible scenario)' : table(header, frontier),
    '',
    cheapest === null
      ? 'Cheapest scenario meeting the deadline: none'
      : `Cheapest scenario meeting the deadline: #${cheapest.scenario.index} ${cheapest.scenario.label} — ${money(cheapest.costUsd)}, ${fixed(cheapest.timeToTrainDays, 2)} days`,
  ].join('\n');
}

export interface StudyCommandIo {
  readonly stderr: { write(text: string): unknown };
}

export async function runStudyCommand(
  argv: readonly string[],
  io: StudyCommandIo = { stderr: process.stderr },
): Promise<string> {
  const values = parse(
    argv.filter((a) => !a.endsWith('.json') || a.startsWith('-')),
    { json: { type: 'boolean' }, csv: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  );
  if (values['help'] === true) return STUDY_USAGE;
  const specPath = argv.find((a) => a.endsWith('.json') && !a.startsWith('-'));
  if (specPath === undefined)
    throw new CliUsageError(null, `a spec file is required. ${STUDY_USAGE}`);
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(specPath, 'utf8'));
  } catch (error) {
    throw new CliUsageError(
      null,
      `cannot read ${specPath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const catalog = loadProfileCatalog();
  const runtime = await openStudyRuntime(catalog, { persist: false });
  try {
    const { id, progress } = await runtime.service.submit(spec);
    io.stderr.write(progressBar(progress.done, progress.total));
    runtime.service.subscribe(id, (e) => {
      if (e.type === 'progress') io.stderr.write(progressBar(e.progress.done, e.progress.total));
    });
    await runtime.service.settled(id);
    io.stderr.write('\n');
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
