/** Flags and help of `strata schedule`, `study`, the listings and `worker`. */
import type { CommandSpec } from './flag-spec.js';
import { HELP_FLAG, JSON_FLAG, QUIET_FLAG } from './flag-spec.js';

export const SCHEDULE_SPEC: CommandSpec = {
  name: 'schedule',
  summary: 'generate and simulate a pipeline schedule (CSV by default)',
  synopsis: '--stages <p> --micro-batches <m> --schedule <id> [flags]',
  description: [
    "Generates every rank's action list and simulates it (POST /v1/schedules). Schedules: gpipe,",
    '1f1b, interleaved-1f1b, zb-h1, zb-h2, zb-v, seq-slice-1f1b. Per-stage times come from',
    '--request (stageTimes, p2pSeconds); without them each pass takes 1 ms.',
  ].join('\n'),
  groups: [
    {
      title: 'Schedule',
      flags: [
        { name: 'stages', arg: '<p>', help: 'pipeline ranks', fields: ['stages'] },
        {
          name: 'micro-batches',
          arg: '<m>',
          help: 'micro-batches per step',
          fields: ['microBatches'],
        },
        { name: 'schedule', arg: '<id>', help: 'the schedule', fields: ['schedule'] },
        {
          name: 'virtual-stages',
          arg: '<v>',
          help: 'interleaved-1f1b: model chunks per rank',
          fields: ['virtualStages'],
        },
        {
          name: 'slices',
          arg: '<k>',
          help: 'seq-slice-1f1b: sequence slices per micro-batch',
          fields: ['slices'],
        },
      ],
    },
    {
      title: 'Input and output',
      flags: [
        {
          name: 'request',
          arg: '<file.json|->',
          help: 'a POST /v1/schedules body (- reads stdin); flags override its fields',
        },
        {
          name: 'format',
          arg: 'csv|trace|svg|json',
          help: 'PyTorch schedule CSV (default), Chrome trace, SVG Gantt chart or JSON',
          fields: ['format'],
        },
        HELP_FLAG,
      ],
    },
  ],
  examples: [
    'strata schedule --stages 4 --micro-batches 8 --schedule zb-h1',
    'strata schedule --stages 8 --micro-batches 64 --schedule interleaved-1f1b --virtual-stages 4 --format svg > schedule.svg',
  ],
};

export const STUDY_SPEC: CommandSpec = {
  name: 'study',
  summary: 'run a what-if study over models and clusters, with a progress bar',
  synopsis: '<spec.json> [--json] [--csv <out.csv>]',
  description: [
    'Runs every scenario of a study spec (POST /v1/studies body) in-process and prints a row per',
    'scenario, then per model the Pareto frontier of time to train vs cost and the cheapest',
    'scenario meeting the deadline.',
  ].join('\n'),
  groups: [
    {
      title: 'Output',
      flags: [
        { name: 'csv', arg: '<out.csv>', help: 'also write the result rows as CSV' },
        JSON_FLAG,
        QUIET_FLAG,
        HELP_FLAG,
      ],
    },
  ],
  examples: ['strata study spec.json --csv results.csv'],
};

const listing = (name: string, summary: string): CommandSpec => ({
  name,
  summary,
  synopsis: '[--json]',
  description: `Lists the built-in ${name} (GET /v1/${name === 'models' ? 'models' : name}).`,
  groups: [{ title: 'Output', flags: [JSON_FLAG, HELP_FLAG] }],
  examples: [`strata ${name}`],
});

export const MODELS_SPEC = listing('models', 'list the model zoo');
export const ACCELERATORS_SPEC = listing('accelerators', 'list accelerator profiles');
export const CLUSTERS_SPEC = listing('clusters', 'list cluster presets');

export const WORKER_SPEC: CommandSpec = {
  name: 'worker',
  summary: 'process study scenarios from REDIS_URL (BullMQ) until SIGTERM',
  synopsis: '',
  description:
    'A long-running study worker: takes scenarios from the BullMQ queue at REDIS_URL, writes the\nresults to Redis, and exits on SIGTERM.',
  groups: [{ title: 'Flags', flags: [HELP_FLAG] }],
  examples: ['REDIS_URL=redis://localhost:6379 strata worker'],
};
