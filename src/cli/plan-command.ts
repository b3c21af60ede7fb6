/**
 * `strata plan` and `strata select`: the searches, run in a plan worker so that the progress line
 * on stderr keeps moving, then the report. A transformer plan's report says which framework it is
 * for and, when the search was cheap, what the other frameworks would plan (framework-compare.ts).
 */
import { writeFileSync } from 'node:fs';
import type { PlanResponse, ScheduleFormat } from '../contract/index.js';
import { loadProfileCatalog } from '../hardware-profiles/index.js';
import type { OffThreadPlan, OffThreadRunner } from '../service/index.js';
import { createOffThreadRunner } from '../service/index.js';
import type { Values } from './args.js';
import { str } from './args.js';
import type { RequestSource } from './errors.js';
import { CliUsageError, attributed, describeFailure } from './errors.js';
import type { FrameworkReport, FrameworkResult } from './framework-compare.js';
import {
  FRAMEWORKS,
  frameworkLines,
  hasFrameworkChoice,
  plannedFramework,
  requestUnder,
  skipReason,
} from './framework-compare.js';
import { heteroPlanReport, isHeteroResponse, selectionReport } from './hetero-output.js';
import { PLAN_SPEC, SELECT_SPEC } from './plan-spec.js';
import { graphPlanReport, isGraphResponse, planOutput } from './plan-output.js';
import type { Progress, ProgressStream } from './progress.js';
import { withProgress } from './progress.js';
import type { Json } from './request-file.js';
import { json, openRequestCommand } from './request-command.js';
import { isObject } from './request-file.js';
import { planBody, selectionBody } from './request-args.js';

export interface CommandIo {
  readonly stderr: ProgressStream;
}

/** 'llama3-70b on 64 × dgx-h100' for the progress line. */
function planLabel(body: Json): string {
  const model = body['model'];
  const name = typeof model === 'string' ? model : 'the model';
  const c = body['cluster'];
  if (!isObject(c)) return name;
  const where =
    typeof c['preset'] === 'string'
      ? `${String(c['nodes'])} × ${c['preset']}`
      : typeof c['accelerator'] === 'string'
        ? `${String(c['nodes'])} × ${String(c['gpusPerNode'])} ${c['accelerator']}`
        : typeof c['mix'] === 'string'
          ? c['mix']
          : 'a mixed cluster';
  return `${name} on ${where}`;
}

function progressOptions(values: Values, io: CommandIo) {
  return { stream: io.stderr, enabled: values['quiet'] !== true };
}

const SCHEDULE_FORMATS: readonly (readonly [string, ScheduleFormat])[] = [
  ['.trace.json', 'trace'],
  ['.json', 'json'],
  ['.svg', 'svg'],
  ['.csv', 'csv'],
];

/** --schedule-out: the best plan's schedule, in the format the file name says. */
function writeSchedule(path: string, planned: OffThreadPlan, io: CommandIo): void {
  const format = SCHEDULE_FORMATS.find(([ext]) => path.endsWith(ext))?.[1];
  if (format === undefined) {
    throw new CliUsageError(
      '--schedule-out',
      `name a .svg, .csv, .json or .trace.json file, got '${path}'`,
    );
  }
  const { body } = planned.schedule(format);
  writeFileSync(path, typeof body === 'string' ? body : json(body));
  io.stderr.write(`strata: wrote the schedule to ${path}\n`);
}

/** Plans the request under the other frameworks (in parallel workers), best plans only. */
async function otherFrameworks(
  runner: OffThreadRunner,
  body: Json,
  planned: string,
): Promise<FrameworkResult[]> {
  const others = FRAMEWORKS.filter((f) => f !== planned);
  return Promise.all(
    others.map(async (framework): Promise<FrameworkResult> => {
      try {
        const { response } = await runner.plan(requestUnder(body, framework));
        const best = (response as PlanResponse).best;
        return {
          framework,
          stepTimeSeconds: best.estimate.stepTimeSeconds,
          strategy: best.strategy,
        };
      } catch (error) {
        const reason = describeFailure(error).message;
        return { framework, stepTimeSeconds: null, strategy: null, reason };
      }
    }),
  );
}

async function frameworkReport(
  runner: OffThreadRunner,
  body: Json,
  response: PlanResponse,
  values: Values,
  source: RequestSource,
  progress: Progress,
): Promise<FrameworkReport> {
  const planned = plannedFramework(body);
  const chosenBy = source.flagsGiven.has('--framework')
    ? '--framework'
    : isObject(body['training']) && body['training']['framework'] !== undefined
      ? source.file
      : null;
  const skipped = skipReason(body, response, values['no-compare'] === true);
  if (skipped !== null) return { planned, chosenBy, others: null, skipped };
  progress.phase(
    `planning the same under ${FRAMEWORKS.filter((f) => f !== planned).join(' and ')}`,
  );
  return { planned, chosenBy, others: await otherFrameworks(runner, body, planned) };
}

async function planReportText(
  runner: OffThreadRunner,
  planned: OffThreadPlan,
  body: Json,
  values: Values,
  source: RequestSource,
  progress: Progress,
): Promise<string> {
  const { response } = planned;
  if (values['json'] === true) return json(response);
  if (isGraphResponse(response)) return graphPlanReport(response);
  if (isHeteroResponse(response)) return heteroPlanReport(response);
  const report = await frameworkReport(runner, body, response, values, source, progress);
  const notes = frameworkLines(report, response.best.estimate.stepTimeSeconds);
  return planOutput(response, str(values, 'emit'), values['emit-only'] === true, notes);
}

/** `strata plan`: POST /v1/plans in a plan worker. */
export async function planCommand(args: readonly string[], io: CommandIo): Promise<string> {
  const command = openRequestCommand(args, PLAN_SPEC, planBody);
  if (typeof command === 'string') return command;
  const { values, body, source } = command;
  // A second worker only when the other frameworks may be planned side by side.
  const compare =
    values['json'] !== true && values['no-compare'] !== true && hasFrameworkChoice(body);
  const runner = createOffThreadRunner(loadProfileCatalog(), { workers: compare ? 2 : 1 });
  try {
    return await withProgress(
      progressOptions(values, io),
      `planning ${planLabel(body)}`,
      async (progress) => {
        const planned = await attributed(source, () => runner.plan(body));
        const out = str(values, 'schedule-out');
        if (out !== undefined) await attributed(source, () => writeSchedule(out, planned, io));
        return planReportText(runner, planned, body, values, source, progress);
      },
    );
  } finally {
    await runner.close();
  }
}

/** `strata select`: POST /v1/cluster-selections in a plan worker. */
export async function selectCommand(args: readonly string[], io: CommandIo): Promise<string> {
  const command = openRequestCommand(args, SELECT_SPEC, selectionBody);
  if (typeof command === 'string') return command;
  const { values, body, source } = command;
  const runner = createOffThreadRunner(loadProfileCatalog());
  try {
    const response = await withProgress(progressOptions(values, io), 'choosing a sub-cluster', () =>
      attributed(source, () => runner.select(body)),
    );
    return values['json'] === true ? json(response) : selectionReport(response);
  } finally {
    await runner.close();
  }
}
