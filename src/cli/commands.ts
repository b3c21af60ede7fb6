/** The CLI commands: each returns the text to print (the caller writes it and sets the exit code). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  acceleratorList,
  clusterPresetList,
  estimateFromInput,
  modelList,
  renderSchedule,
  simulateRequestedSchedule,
  toApiError,
} from '../service/index.js';
import { loadProfileCatalog } from '../hardware-profiles/index.js';
import { ScheduleFormat, ScheduleRequest } from '../contract/index.js';
import { parse } from './args.js';
import { CliUsageError, attributed } from './errors.js';
import type { CommandSpec } from './flag-spec.js';
import { commandHelp } from './flag-spec.js';
import { estimateResponseReport } from './format.js';
import {
  ACCELERATORS_SPEC,
  CLUSTERS_SPEC,
  MODELS_SPEC,
  SCHEDULE_SPEC,
  STUDY_SPEC,
  WORKER_SPEC,
} from './other-specs.js';
import type { CommandIo } from './plan-command.js';
import { planCommand, selectCommand } from './plan-command.js';
import { ESTIMATE_SPEC, PLAN_SPEC, SELECT_SPEC } from './plan-spec.js';
import { json, openRequestCommand } from './request-command.js';
import { estimateBody, scheduleBody } from './request-args.js';
import { runStudyCommand } from './study.js';
import { bytesPerSecond, count, gib, table } from './table.js';

export const COMMANDS: readonly CommandSpec[] = [
  PLAN_SPEC,
  ESTIMATE_SPEC,
  SELECT_SPEC,
  SCHEDULE_SPEC,
  STUDY_SPEC,
  MODELS_SPEC,
  ACCELERATORS_SPEC,
  CLUSTERS_SPEC,
  WORKER_SPEC,
];

export const USAGE = [
  'Usage: strata <command> [flags]       strata <command> --help for its flags',
  '',
  'Commands',
  ...COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`),
  '',
  'Flags',
  '  -h, --help      this help',
  '  -V, --version   the version',
  '',
  'Examples',
  ...PLAN_SPEC.examples.map((e) => `  ${e}`),
  `  ${SELECT_SPEC.examples[0] ?? ''}`,
].join('\n');

/** package.json's version (two levels up from src/cli/ and from dist/src/cli/ alike). */
export function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'strata' && typeof pkg.version === 'string') return `strata ${pkg.version}`;
    } catch {
      // not this level: try the next
    }
  }
  return 'strata (unknown version)';
}

/** `strata schedule`: the same bounds and errors as POST /v1/schedules. */
async function scheduleCommand(args: readonly string[]): Promise<string> {
  const command = openRequestCommand(args, SCHEDULE_SPEC, scheduleBody);
  if (typeof command === 'string') return command;
  const { values, body, source } = command;
  return attributed(source, () => {
    try {
      const { format } = z
        .object({ format: ScheduleFormat })
        .parse({ format: values['format'] ?? 'csv' });
      const rendered = renderSchedule(
        simulateRequestedSchedule(ScheduleRequest.parse(body)),
        format,
      );
      return typeof rendered.body === 'string' ? rendered.body.trimEnd() : json(rendered.body);
    } catch (error) {
      throw toApiError(error);
    }
  });
}

/** `strata estimate`: POST /v1/estimates in-process (one strategy: fast). */
async function estimateCommand(args: readonly string[]): Promise<string> {
  const command = openRequestCommand(args, ESTIMATE_SPEC, estimateBody);
  if (typeof command === 'string') return command;
  const { values, body, source } = command;
  const response = await attributed(source, () => estimateFromInput(loadProfileCatalog(), body));
  return values['json'] === true ? json(response) : estimateResponseReport(response);
}

function modelsTable(asJson: boolean): string {
  const list = modelList(loadProfileCatalog());
  if (asJson) return json(list);
  return table(
    ['id', 'name', 'parameters', 'layers', 'hidden', 'heads', 'kv heads', 'ffn', 'vocab'],
    list.models.map((m) => [
      m.id,
      m.name,
      `${(m.parameterCount / 1e9).toFixed(2)} B`,
      String(m.layers),
      String(m.hiddenSize),
      String(m.heads),
      String(m.kvHeads),
      String(m.ffnHiddenSize),
      String(m.vocabSize),
    ]),
  );
}

function acceleratorsTable(asJson: boolean): string {
  const list = acceleratorList(loadProfileCatalog());
  if (asJson) return json(list);
  return table(
    ['id', 'name', 'memory', 'bf16 TFLOP/s', 'HBM', 'TDP', '$/GPU-h'],
    list.accelerators.map((a) => [
      a.id,
      a.name,
      gib(a.memoryBytes),
      a.peakFlopsPerSecond.bf16 === undefined ? '-' : count(a.peakFlopsPerSecond.bf16 / 1e12),
      bytesPerSecond(a.memoryBandwidthBytesPerSecond),
      `${a.tdpWatts} W`,
      a.priceUsdPerGpuHour === null ? '-' : a.priceUsdPerGpuHour.toFixed(2),
    ]),
  );
}

function clustersTable(asJson: boolean): string {
  const list = clusterPresetList(loadProfileCatalog());
  if (asJson) return json(list);
  return table(
    ['id', 'name', 'accelerator', 'GPUs/node', 'intra-node', 'inter-node per GPU'],
    list.clusters.map((c) => [
      c.id,
      c.name,
      c.accelerator,
      String(c.gpusPerNode),
      bytesPerSecond(c.intraNode.bandwidthBytesPerSecond),
      bytesPerSecond(c.interNode.bandwidthBytesPerSecond),
    ]),
  );
}

const LISTINGS = {
  models: [MODELS_SPEC, modelsTable],
  accelerators: [ACCELERATORS_SPEC, acceleratorsTable],
  clusters: [CLUSTERS_SPEC, clustersTable],
} as const;

function listCommand(name: keyof typeof LISTINGS, args: readonly string[]): string {
  const [spec, render] = LISTINGS[name];
  const { values } = parse(args, spec);
  return values['help'] === true ? commandHelp(spec) : render(values['json'] === true);
}

export async function runCommand(
  argv: readonly string[],
  io: CommandIo = { stderr: process.stderr },
): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'plan':
      return planCommand(rest, io);
    case 'estimate':
      return estimateCommand(rest);
    case 'select':
      return selectCommand(rest, io);
    case 'schedule':
      return scheduleCommand(rest);
    case 'models':
    case 'accelerators':
    case 'clusters':
      return listCommand(command, rest);
    case 'study':
      return runStudyCommand(rest, io);
    case 'worker':
      return commandHelp(WORKER_SPEC);
    case '--version':
    case '-V':
    case 'version':
      return version();
    case undefined:
    case 'help':
    case '--help':
    case '-h': {
      const topic = COMMANDS.find((c) => c.name === rest[0]);
      return topic === undefined ? USAGE : commandHelp(topic);
    }
    default:
      throw new CliUsageError(null, `unknown command '${command}' (strata --help lists them)`);
  }
}
