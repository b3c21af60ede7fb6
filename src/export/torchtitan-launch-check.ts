/**
 * torchtitan's start-up checks on an exported command line (launch-check.ts), at the commit of
 * test/fixtures/upstream/torchtitan-fields.json (b5bcd76c, version 0.2.2). The overrides are read
 * over torchtitan's defaults (torchtitan/config/configs.py), i.e. what the command line alone
 * configures, then checked as:
 *  - `Trainer.Config.__post_init__` / `_validate_cuda_graphs` (torchtitan/trainer.py): positive
 *    pipeline micro-batches; CUDA graphs (on unless --training.disable_cuda_graphs) reject pp > 1;
 *  - `TrainingConfig.__post_init__` (configs.py): positive token counts and context length;
 *  - `ParallelDims._validate` (torchtitan/distributed/parallel_dims.py):
 *    dp_replicate · dp_shard · cp · tp · pp = world size (dp_shard −1 takes the rest), and
 *    expert_parallel_degree divides the sparse region dp_shard · cp · tp;
 *  - `Trainer.__init__`: tokens per micro-batch divisible by (tp if SP) · (2·cp if cp > 1); tokens per
 *    step divisible by tokens per gradient-accumulation iteration (micro-batch · pp micro-batches · dp);
 *  - `_get_pipeline_metadata` and `_generate_llm_fqn_per_model_part`
 *    (torchtitan/distributed/pipeline_parallel.py): stage count from layers_per_stage divisible by
 *    pp, one stage per rank for single-stage schedules and at least two otherwise, the weight and
 *    empty-stage checks, and the resulting split;
 *  - `_build_pipeline_schedule`: PipelineScheduleSingle needs a CSV; a CSV needs
 *    PipelineScheduleSingle or PipelineScheduleMulti.
 * Schedule classes (single or multi stage) are PyTorch's torch/distributed/pipelining/schedules.py.
 */
import { torchtitanStageSplit } from '../plan/index.js';
import type { LaunchViolation } from './launch-check.js';
import { violationCollector } from './launch-check.js';

/** What torchtitan builds from the command line: degrees, batch and the pipeline split. */
export interface TorchtitanResolved {
  readonly dpReplicate: number;
  readonly dpShard: number;
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  readonly ep: number;
  readonly sequenceParallel: boolean;
  readonly tokensPerMicroBatch: number;
  readonly tokensPerStep: number;
  readonly numPpMicroBatches: number;
  readonly gradientAccumulationSteps: number;
  /** Transformer layers per pipeline stage (pipeline order); null without pipelining or on error. */
  readonly layersPerStage: readonly number[] | null;
  readonly activationCheckpoint: string | null;
  readonly schedule: string;
}

export interface TorchtitanLaunchInput {
  /** The export's `overrides`: `--section.option value` words, switches, the AC subcommand. */
  readonly overrides: readonly string[];
  readonly worldSize: number;
  /** Transformer layers of the model the base configuration builds. */
  readonly numLayers: number;
}

/** PyTorch schedule classes by their get_schedule_class key: true = PipelineScheduleSingle. */
const SINGLE_STAGE: Readonly<Record<string, boolean>> = {
  '1f1b': true,
  gpipe: true,
  pipelineschedulesingle: true,
  interleaved1f1b: false,
  loopedbfs: false,
  interleavedzerobubble: false,
  pipelineschedulemulti: false,
  zbvzerobubble: false,
  dualpipev: false,
};

/** torchtitan's defaults for the options the exports set (torchtitan/config/configs.py). */
const DEFAULTS: Readonly<Record<string, string | boolean>> = {
  'parallelism.data_parallel_replicate_degree': '1',
  'parallelism.data_parallel_shard_degree': '-1',
  'parallelism.tensor_parallel_degree': '1',
  'parallelism.pipeline_parallel_degree': '1',
  'parallelism.context_parallel_degree': '1',
  'parallelism.expert_parallel_degree': '1',
  'parallelism.enable_sequence_parallel': true,
  'parallelism.pipeline_parallel_first_stage_less_layers': '1',
  'parallelism.pipeline_parallel_last_stage_less_layers': '1',
  'parallelism.pipeline_parallel_schedule': '1F1B',
  'parallelism.pipeline_parallel_schedule_csv': '',
  'parallelism.num_pp_microbatches': '1',
  'training.num_tokens_per_microbatch_per_dp_rank': '16384',
  'training.num_tokens_per_train_step': '-1',
  'training.max_context_length': '2048',
  'training.disable_cuda_graphs': false,
};

const BOOLEAN_OPTIONS = new Set([
  'parallelism.enable_sequence_parallel',
  'training.disable_cuda_graphs',
]);

/** Read `--a.b value`, `--a.b` / `--a.no_b` switches and the AC subcommand over the defaults. */
export function readTorchtitanOverrides(overrides: readonly string[]): {
  readonly options: ReadonlyMap<string, string | boolean>;
  readonly activationCheckpoint: string | null;
} {
  const options = new Map<string, string | boolean>(Object.entries(DEFAULTS));
  let activationCheckpoint: string | null = null;
  for (let i = 0; i < overrides.length; i++) {
    const word = overrides[i] ?? '';
    if (word.startsWith('activation-checkpoint:')) {
      activationCheckpoint = word.slice('activation-checkpoint:'.length);
      continue;
    }
    if (!word.startsWith('--')) continue;
    const name = word.slice(2);
    const dot = name.lastIndexOf('.');
    const negated = `${name.slice(0, dot + 1)}${name.slice(dot + 1).replace(/^no_/, '')}`;
    if (BOOLEAN_OPTIONS.has(name)) options.set(name, true);
    else if (name !== negated && BOOLEAN_OPTIONS.has(negated)) options.set(negated, false);
    else options.set(name, overrides[++i] ?? '');
  }
  return { options, activationCheckpoint };
}

type Check = (rule: string, ok: boolean, message: string) => void;

const TRAINER = 'torchtitan/trainer.py';
const PIPELINE = 'torchtitan/distributed/pipeline_parallel.py';

/** The violated upstream rules, and what torchtitan would build when it starts. */
export function torchtitanLaunchCheck(x: TorchtitanLaunchInput): {
  readonly violations: LaunchViolation[];
  readonly resolved: TorchtitanResolved;
} {
  const { options, activationCheckpoint } = readTorchtitanOverrides(x.overrides);
  const { violations, check } = violationCollector();
  const int = (name: string): number => Number(options.get(name));
  const [dpReplicate, tp, pp, cp] = [
    int('parallelism.data_parallel_replicate_degree'),
    int('parallelism.tensor_parallel_degree'),
    int('parallelism.pipeline_parallel_degree'),
    int('parallelism.context_parallel_degree'),
  ];
  let dpShard = int('parallelism.data_parallel_shard_degree');
  if (dpShard < 0) dpShard = Math.floor(x.worldSize / (dpReplicate * cp * tp * pp));
  check(
    'torchtitan/distributed/parallel_dims.py ParallelDims._validate',
    dpReplicate * dpShard * cp * tp * pp === x.worldSize,
    `Invalid parallel dims: dp_replicate(${dpReplicate}) * dp_shard(${dpShard}) * cp(${cp}) * tp(${tp}) * pp(${pp}) != WORLD_SIZE(${x.worldSize})`,
  );
  const ep = int('parallelism.expert_parallel_degree');
  check(
    'torchtitan/distributed/parallel_dims.py ParallelDims._validate',
    (dpShard * cp * tp) % ep === 0,
    `expert_parallel_degree (${ep}) must divide dp_shard * cp * tp (${dpShard * cp * tp})`,
  );
  check(
    `${TRAINER} Trainer.Config._validate_cuda_graphs`,
    pp === 1 || options.get('training.disable_cuda_graphs') === true,
    'CUDA graphs do not support pipeline parallelism yet. Set --training.disable_cuda_graphs.',
  );
  check(
    'torchtitan/distributed/activation_checkpoint.py ActivationCheckpointingConfig',
    activationCheckpoint === null || ['none', 'selective', 'full'].includes(activationCheckpoint),
    `activation-checkpoint:${String(activationCheckpoint)} is not a subcommand (memory-budget needs compile)`,
  );
  const sequenceParallel = options.get('parallelism.enable_sequence_parallel') === true;
  const batch = checkBatch(
    options,
    { tp, pp, cp, dp: dpReplicate * dpShard, sequenceParallel },
    check,
  );
  const schedule = String(options.get('parallelism.pipeline_parallel_schedule'));
  const layersPerStage = pp > 1 ? checkPipeline(options, x.numLayers, pp, check) : null;
  return {
    violations,
    resolved: {
      dpReplicate,
      dpShard,
      tp,
      pp,
      cp,
      ep,
      sequenceParallel,
      ...batch,
      layersPerStage,
      activationCheckpoint,
      schedule,
    },
  };
}

function checkBatch(
  options: ReadonlyMap<string, string | boolean>,
  d: { tp: number; pp: number; cp: number; dp: number; sequenceParallel: boolean },
  check: Check,
): Pick<
  TorchtitanResolved,
  'tokensPerMicroBatch' | 'tokensPerStep' | 'numPpMicroBatches' | 'gradientAccumulationSteps'
> {
  const int = (name: string): number => Number(options.get(name));
  const tokensPerMicroBatch = int('training.num_tokens_per_microbatch_per_dp_rank');
  const numPpMicroBatches = int('parallelism.num_pp_microbatches');
  const CONFIGS = 'torchtitan/config/configs.py TrainingConfig.__post_init__';
  check(
    CONFIGS,
    tokensPerMicroBatch > 0,
    'num_tokens_per_microbatch_per_dp_rank must be greater than 0.',
  );
  check(
    CONFIGS,
    int('training.max_context_length') > 0,
    'max_context_length must be greater than 0.',
  );
  check(
    `${TRAINER} Trainer.Config.__post_init__`,
    numPpMicroBatches > 0,
    'parallelism.num_pp_microbatches must be greater than 0.',
  );
  const divisor = (d.sequenceParallel ? d.tp : 1) * (d.cp > 1 ? 2 * d.cp : 1);
  check(
    `${TRAINER} Trainer.__init__`,
    tokensPerMicroBatch % divisor === 0,
    `The number of tokens per pipeline microbatch (${tokensPerMicroBatch}) must be divisible by ${divisor} for the configured sequence/context parallelism.`,
  );
  const perDpRank = tokensPerMicroBatch * (d.pp > 1 ? numPpMicroBatches : 1);
  const given = int('training.num_tokens_per_train_step');
  const tokensPerStep = given < 0 ? perDpRank * d.dp : given;
  check(
    `${TRAINER} Trainer.__init__`,
    tokensPerStep % (perDpRank * d.dp) === 0,
    `training.num_tokens_per_train_step (${tokensPerStep}) must be divisible by the number of tokens processed globally in one gradient accumulation iteration (${perDpRank * d.dp}).`,
  );
  return {
    tokensPerMicroBatch,
    tokensPerStep,
    numPpMicroBatches: d.pp > 1 ? numPpMicroBatches : 1,
    gradientAccumulationSteps: tokensPerStep / (perDpRank * d.dp),
  };
}

/** get_schedule_class and _build_pipeline_schedule; returns whether the schedule is single-stage. */
function checkSchedule(
  options: ReadonlyMap<string, string | boolean>,
  check: Check,
): boolean | undefined {
  const schedule = String(options.get('parallelism.pipeline_parallel_schedule'));
  const csv = String(options.get('parallelism.pipeline_parallel_schedule_csv'));
  const single = SINGLE_STAGE[schedule.toLowerCase()];
  check(
    'torch/distributed/pipelining/schedules.py get_schedule_class',
    single !== undefined,
    `Unknown pipeline schedule: ${schedule}`,
  );
  if (csv === '') {
    check(
      `${PIPELINE} _build_pipeline_schedule`,
      schedule.toLowerCase() !== 'pipelineschedulesingle',
      'PipelineScheduleSingle is an abstract base class. Use a concrete single-stage schedule such as GPipe or 1F1B.',
    );
  } else {
    check(
      `${PIPELINE} _build_pipeline_schedule`,
      ['pipelineschedulesingle', 'pipelineschedulemulti'].includes(schedule.toLowerCase()),
      'Only PipelineScheduleSingle (single stage), PipelineScheduleMulti (multistage), and _PipelineScheduleRuntime support csv schedules',
    );
  }
  return single;
}

function checkPipeline(
  options: ReadonlyMap<string, string | boolean>,
  numLayers: number,
  pp: number,
  check: Check,
): number[] | null {
  const single = checkSchedule(options, check);
  const lpsValue = options.get('parallelism.pipeline_parallel_layers_per_stage');
  const first = Number(options.get('parallelism.pipeline_parallel_first_stage_less_layers'));
  const last = Number(options.get('parallelism.pipeline_parallel_last_stage_less_layers'));
  const effective = numLayers + first + last;
  // Without layers_per_stage: one stage per rank for single-stage schedules, else two.
  const stages =
    lpsValue === undefined
      ? pp * (single === false ? 2 : 1)
      : Math.ceil(effective / Number(lpsValue));
  const METADATA = `${PIPELINE} _get_pipeline_metadata`;
  check(
    METADATA,
    stages % pp === 0,
    `Number of virtual stages (${stages}) must be divisible by pipeline parallel size (${pp}).`,
  );
  const perRank = stages / pp;
  if (single === true) {
    check(
      METADATA,
      perRank === 1,
      `Single stage schedule requires exactly 1 stage per rank, but got ${perRank}`,
    );
  } else if (single === false) {
    check(
      METADATA,
      perRank >= 2,
      `Multi-stage schedule requires at least 2 stages per rank, but got ${perRank}`,
    );
  }
  const split = torchtitanStageSplit(numLayers, stages, {
    firstStageLessLayers: first,
    lastStageLessLayers: last,
  });
  check(
    `${PIPELINE} _generate_llm_fqn_per_model_part`,
    typeof split !== 'string',
    typeof split === 'string' ? split : '',
  );
  return typeof split === 'string' ? null : split;
}
