/**
 * torchtitan settings for a plan, as `--section.option` overrides and as a Python full
 * configuration (pytorch/torchtitan; commit and per-option file in
 * test/fixtures/upstream/torchtitan-fields.json).
 *
 * Upstream today: TOML job files are gone; a run is `--module M --config F` naming a Python
 * function that returns `Trainer.Config` (torchtitan/config/README.md), and the `--section.option`
 * flags (tyro) still override it but are frozen. Sections: `training` (`TrainingConfig`) and
 * `parallelism` (`ParallelismConfig`) in torchtitan/config/configs.py, mounted by `Trainer.Config`
 * (torchtitan/trainer.py); activation checkpointing is a tyro subcommand
 * (`activation-checkpoint:selective|full|none`, torchtitan/distributed/activation_checkpoint.py).
 * Batch size is given in tokens: `training.num_tokens_per_microbatch_per_dp_rank` per pipeline
 * micro-batch, `training.num_tokens_per_train_step` per step; gradient accumulation is derived
 * (trainer.py). Float8 is a model converter (`Float8LinearConverter`,
 * torchtitan/components/quantization/float8.py), not a CLI option.
 *
 * Launch rules the command line itself satisfies (issue #16; checked by torchtitan-launch-check.ts):
 *  - CUDA graphs are on by default and reject pipelining (`Trainer.Config._validate_cuda_graphs`:
 *    "CUDA graphs do not support pipeline parallelism yet. Set --training.disable_cuda_graphs."), so
 *    pp > 1 adds the `--training.disable_cuda_graphs` switch;
 *  - the layer split comes from `--parallelism.pipeline_parallel_layers_per_stage` and the
 *    first/last `_stage_less_layers` weights, which torchtitan's `_generate_llm_fqn_per_model_part`
 *    turns into exactly the plan's split (plan/expressible.ts finds them); a split they cannot
 *    express (only in hand-made plans: the search does not propose them) falls back to
 *    `module_fqns_per_model_part` in the Python configuration;
 *  - sequence parallelism is stated with tp > 1 (`--parallelism.[no_]enable_sequence_parallel`,
 *    a tyro boolean flag pair; on by default upstream);
 *  - the Python configuration is a zero-argument function, as `ConfigManager._load_config`
 *    (torchtitan/config/manager.py) calls `config_fn()`.
 * Target: torchtitan b5bcd76c (assets/version.txt 0.2.2); `pipeline_parallel_split_points` no
 * longer exists there.
 */
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import { torchtitanSplitOptions } from '../plan/index.js';
import { envWords, NO_ENV, type LaunchEnv } from './env.js';
import { ExportError } from './errors.js';
import { layersPerChunk } from './plan-facts.js';
import { multiLineCommand } from './shell.js';
import { torchrunHead } from './torchrun.js';
import { SCHEDULE_CSV_FILE, torchtitanSchedule } from './torchtitan-schedule.js';

type OptionValue = number | string | readonly (readonly string[])[];

/** One `section.option = value` setting. `cliOnly: false` = set only in the Python config. */
export interface TorchtitanSetting {
  readonly option: string;
  readonly value: OptionValue;
  readonly cli: boolean;
}

/** A boolean option: `--section.option` when true, `--section.no_option` when false (tyro). */
export interface TorchtitanSwitch {
  readonly option: string;
  readonly value: boolean;
}

export interface TorchtitanExport {
  readonly settings: readonly TorchtitanSetting[];
  /** Boolean options, on the command line as tyro flags (and in the Python configuration). */
  readonly switches: readonly TorchtitanSwitch[];
  /** `--section.option value` pairs, switches, then the `activation-checkpoint:<mode>` subcommand. */
  readonly overrides: readonly string[];
  /** Environment the launch needs (env.ts: none for torchtitan). */
  readonly env: LaunchEnv;
  readonly activationCheckpoint: 'none' | 'selective' | 'full';
  /** The same settings as Python assignments on a `Trainer.Config` (the upstream-preferred form). */
  readonly python: string;
  /** The launch command to save as a script. */
  readonly text: string;
  /**
   * Contents of the schedule CSV (one row per pipeline rank, compute-only cells) when the schedule
   * has no PyTorch class; from the plan's simulated schedule. null when not needed or not simulated.
   */
  readonly scheduleCsv: string | null;
  readonly notes: readonly string[];
}

const set = (option: string, value: OptionValue, cli = true): TorchtitanSetting => ({
  option,
  value,
  cli,
});

/** FQNs of torchtitan's decoder-only models: tok_embeddings, layers.<i>, norm, lm_head. */
function moduleFqns(split: readonly number[]): string[][] {
  let layer = 0;
  return split.map((n, k) => {
    const names = Array.from({ length: n }, () => `layers.${layer++}`);
    if (k === 0) names.unshift('tok_embeddings');
    if (k === split.length - 1) names.push('norm', 'lm_head');
    return names;
  });
}

function pipelineSettings(plan: Plan, spec: TransformerSpec, notes: string[]): TorchtitanSetting[] {
  const s = plan.strategy;
  if (s.pp === 1) return [];
  const schedule = torchtitanSchedule(plan);
  notes.push(...schedule.notes);
  const out = [
    set('parallelism.pipeline_parallel_schedule', schedule.name),
    set('parallelism.num_pp_microbatches', s.numMicroBatches * s.sequenceSlices),
  ];
  if (schedule.fromCsv)
    out.push(set('parallelism.pipeline_parallel_schedule_csv', SCHEDULE_CSV_FILE));
  const numStages = s.pp * schedule.stagesPerRank;
  if (schedule.stagesPerRank !== s.virtualStages) {
    throw new ExportError(
      'torchtitan',
      'unsupported-feature',
      `${schedule.name} runs ${numStages} stages; the plan has ${s.pp * s.virtualStages} chunks`,
      'strategy.virtualStages',
    );
  }
  const split = layersPerChunk(plan);
  const options = torchtitanSplitOptions(split, spec.numLayers);
  if (options === null) {
    notes.push(
      `torchtitan's command line cannot build the split [${split.join(', ')}] (pipeline_parallel_layers_per_stage and the first/last stage weights give front-loaded remainders only): it is set through parallelism.module_fqns_per_model_part in the Python configuration (module names assume torchtitan decoder FQNs); run that configuration, not the command-line overrides alone.`,
    );
    return [...out, set('parallelism.module_fqns_per_model_part', moduleFqns(split), false)];
  }
  // torchtitan builds exactly this split from the three options (_generate_llm_fqn_per_model_part).
  return [
    ...out,
    set('parallelism.pipeline_parallel_first_stage_less_layers', options.firstStageLessLayers),
    set('parallelism.pipeline_parallel_last_stage_less_layers', options.lastStageLessLayers),
    set('parallelism.pipeline_parallel_layers_per_stage', options.layersPerStage),
  ];
}

/** Boolean options: CUDA graphs off with pipelining; sequence parallelism stated with TP. */
function switchSettings(plan: Plan): TorchtitanSwitch[] {
  const s = plan.strategy;
  return [
    ...(s.pp > 1 ? [{ option: 'training.disable_cuda_graphs', value: true }] : []),
    ...(s.tp > 1
      ? [{ option: 'parallelism.enable_sequence_parallel', value: s.sequenceParallel }]
      : []),
  ];
}

/** tyro's flag for a boolean option: `--a.b` or `--a.no_b`. */
export function switchWord(x: TorchtitanSwitch): string {
  const dot = x.option.lastIndexOf('.');
  return x.value ? `--${x.option}` : `--${x.option.slice(0, dot + 1)}no_${x.option.slice(dot + 1)}`;
}

function degreeSettings(plan: Plan, notes: string[]): TorchtitanSetting[] {
  if ((plan.strategy.etp ?? 1) > 1) {
    throw new ExportError(
      'torchtitan',
      'unsupported-feature',
      `torchtitan has no expert-tensor-parallel degree option; the plan's expertTensorParallel is ${plan.strategy.etp ?? 1}`,
      'strategy.expertTensorParallel',
    );
  }
  const s = plan.strategy;
  if (s.cp > 1 && s.cpComm !== 'all-gather') {
    // The search plans fsdp with all-gather; a plan made for another framework says what differs.
    notes.push(
      `torchtitan's context parallelism all-gathers keys and values (PyTorch _ContextParallelOptions.rotate_method ALL_GATHER); this plan was estimated with contextParallelComm ${s.cpComm ?? 'p2p'}.`,
    );
  }
  // ZeRO-0 = DDP (replicate); ZeRO ≥ 1 = FSDP2 (shard). FSDP2 always shards parameters too.
  const sharded = s.zeroStage >= 1;
  if (s.zeroStage === 1 || s.zeroStage === 2) {
    notes.push(
      `FSDP2 has no ZeRO-${s.zeroStage}; closest is full sharding with parameters kept gathered after forward (fsdp_reshard_after_forward=never).`,
    );
  }
  // HSDP: FSDP2 over the shard dim of a [replicate, shard] mesh (torchtitan parallel_dims.py).
  const shard = sharded ? (s.dpShard ?? s.dp) : 1;
  return [
    set('parallelism.data_parallel_replicate_degree', s.dp / shard),
    set('parallelism.data_parallel_shard_degree', shard),
    ...(s.zeroStage === 1 || s.zeroStage === 2
      ? [set('parallelism.fsdp_reshard_after_forward', 'never')]
      : []),
    set('parallelism.tensor_parallel_degree', s.tp),
    set('parallelism.pipeline_parallel_degree', s.pp),
    set('parallelism.context_parallel_degree', s.cp),
    // MoE models: torchtitan's expert degree (ParallelismConfig.expert_parallel_degree); ETP
    // beyond 1 has no option in the fixture's torchtitan commit (ExportError above).
    ...((s.ep ?? 1) > 1 ? [set('parallelism.expert_parallel_degree', s.ep ?? 1)] : []),
  ];
}

function trainingSettings(plan: Plan, notes: string[]): TorchtitanSetting[] {
  // seq-slice-1f1b: each slice runs as its own pipeline micro-batch (see torchtitan-schedule.ts).
  const seq = plan.training.sequenceLength / plan.strategy.sequenceSlices;
  if (plan.training.precision === 'fp16') {
    throw new ExportError(
      'torchtitan',
      'unsupported-feature',
      'torchtitan mixed precision is bfloat16 or float32 only (training.mixed_precision_param)',
      'training.precision',
    );
  }
  if (plan.training.precision === 'fp8') {
    notes.push(
      'FP8: add Float8LinearConverter.Config() to the model converters in the Python configuration (torchtitan/components/quantization/float8.py); there is no CLI switch.',
    );
  }
  return [
    set('training.max_context_length', seq),
    set('training.num_tokens_per_microbatch_per_dp_rank', plan.strategy.microBatchSize * seq),
    set(
      'training.num_tokens_per_train_step',
      plan.training.globalBatchSize * plan.training.sequenceLength,
    ),
    set('training.mixed_precision_param', 'bfloat16'),
    // bf16 resident states (TrainingConfig.fsdpParameterDtype): parameters, gradients and
    // optimizer states all in bfloat16, no fp32 copy (TrainingConfig.dtype, config/configs.py).
    ...(plan.training.fsdpParameterDtype === 'bf16' ? [set('training.dtype', 'bfloat16')] : []),
  ];
}

function cliWords(settings: readonly TorchtitanSetting[]): string[] {
  return settings
    .filter((x) => x.cli)
    .flatMap((x) => [`--${x.option}`, String(x.value as number | string)]);
}

function pythonValue(v: OptionValue): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return `[\n${v.map((names) => `        ${JSON.stringify(names)},`).join('\n')}\n    ]`;
}

const AC_CLASS = {
  full: 'FullAC.Config()',
  selective: 'SelectiveAC.Config()',
  none: 'None',
} as const;

/**
 * The base configuration loader of the Python form: the plan changes parallelism and batch, so it
 * starts from the user's full configuration (model, data, optimizer), named as on the command line
 * and resolved as ConfigManager._load_config does (short names under torchtitan.models, then
 * `<module>.config_registry`, then the module itself).
 */
const PYTHON_BASE = [
  'def _base_config() -> Trainer.Config:',
  '    """The full configuration this plan starts from (model, data, optimizer), named as with',
  '    --module / --config: STRATA_BASE_MODULE=llama3 STRATA_BASE_CONFIG=llama3_70b, say."""',
  '    name = os.environ["STRATA_BASE_MODULE"]',
  '    for candidate in (f"torchtitan.models.{name}.config_registry", f"{name}.config_registry", name):',
  '        try:',
  '            module = importlib.import_module(candidate)',
  '        except ImportError:',
  '            continue',
  '        return getattr(module, os.environ["STRATA_BASE_CONFIG"])()',
  '    raise ImportError(f"no configuration module {name!r}")',
];

function pythonConfig(
  plan: Plan,
  settings: readonly TorchtitanSetting[],
  switches: readonly TorchtitanSwitch[],
  ac: 'none' | 'selective' | 'full',
): string {
  const cliSplit = settings.some(
    (x) => x.option === 'parallelism.pipeline_parallel_layers_per_stage',
  );
  const lines = [
    'import importlib',
    'import os',
    '',
    'from torchtitan.distributed.activation_checkpoint import FullAC, SelectiveAC',
    'from torchtitan.trainer import Trainer',
    '',
    '',
    ...PYTHON_BASE,
    '',
    '',
    'def strata_plan() -> Trainer.Config:',
    `    """Strata plan for ${plan.modelName} on ${plan.worldSize} × ${plan.acceleratorId}:`,
    '    torchrun ... -m torchtitan.train --module <this module> --config strata_plan."""',
    '    config = _base_config()',
    ...settings.map((x) => `    config.${x.option} = ${pythonValue(x.value)}`),
    // An explicit split in the base would take precedence over layers_per_stage (pipeline_llm).
    ...(cliSplit ? ['    config.parallelism.module_fqns_per_model_part = None'] : []),
    ...switches.map((x) => `    config.${x.option} = ${x.value ? 'True' : 'False'}`),
    `    config.activation_checkpoint = ${AC_CLASS[ac]}`,
    '    return config',
  ];
  return lines.join('\n') + '\n';
}

/** torchtitan overrides, Python configuration and launch command for a plan. */
export function torchtitanConfig(plan: Plan, spec: TransformerSpec): TorchtitanExport {
  const notes: string[] = [];
  const settings = [
    ...degreeSettings(plan, notes),
    ...pipelineSettings(plan, spec, notes),
    ...trainingSettings(plan, notes),
  ];
  const switches = switchSettings(plan);
  const ac = plan.strategy.recompute;
  if (ac === 'full' && plan.strategy.recomputeLayers !== null) {
    notes.push(
      'torchtitan FullAC checkpoints every layer; partial full recompute (recomputeLayers) has no equivalent.',
    );
  }
  if (ac === 'selective') {
    notes.push(
      "torchtitan's SelectiveAC is a per-op policy that saves matmul and attention outputs (torchtitan/distributed/activation_checkpoint.py), not the attention-core recompute the plan assumed; memory and time will differ.",
    );
  }
  const cli = [...cliWords(settings), ...switches.map(switchWord)];
  const overrides = [...cli, `activation-checkpoint:${ac}`];
  const needsCsv = settings.some((x) => x.option === 'parallelism.pipeline_parallel_schedule_csv');
  const scheduleCsv =
    needsCsv && plan.schedule !== null
      ? plan.schedule.ranks.map((row) => row.join(',')).join('\n') + '\n'
      : null;
  const env = NO_ENV;
  const head = [
    ...envWords(env),
    ...torchrunHead(plan, '$NODE_RANK', '$MASTER_ADDR:$MASTER_PORT'),
    '-m',
    'torchtitan.train',
  ];
  const text = multiLineCommand(
    head,
    ['--module', '$MODULE', '--config', '$CONFIG', ...cli],
    [`activation-checkpoint:${ac}`],
  );
  return {
    settings,
    switches,
    overrides,
    env,
    activationCheckpoint: ac,
    python: pythonConfig(plan, settings, switches, ac),
    text,
    scheduleCsv,
    notes,
  };
}
