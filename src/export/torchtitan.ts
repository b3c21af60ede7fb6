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
 */
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import { ExportError } from './errors.js';
import { isEvenSplit, layersPerChunk } from './plan-facts.js';
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

export interface TorchtitanExport {
  readonly settings: readonly TorchtitanSetting[];
  /** `--section.option value` pairs plus the `activation-checkpoint:<mode>` subcommand. */
  readonly overrides: readonly string[];
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
  const split = schedule.stagesPerRank === s.virtualStages ? layersPerChunk(plan) : null;
  if (split !== null && !isEvenSplit(split)) {
    notes.push(
      'The uneven layer split is set through parallelism.module_fqns_per_model_part in the Python configuration (module names assume torchtitan decoder FQNs).',
    );
    return [...out, set('parallelism.module_fqns_per_model_part', moduleFqns(split), false)];
  }
  if (spec.numLayers % numStages !== 0) {
    throw new ExportError(
      'torchtitan',
      'framework-validation',
      `${schedule.name} needs ${numStages} stages; ${spec.numLayers} layers do not split evenly over them`,
      'strategy.layersPerStage',
    );
  }
  // Weights 0: count embedding / LM head as no layers, so stages = numLayers / layers_per_stage.
  return [
    ...out,
    set('parallelism.pipeline_parallel_first_stage_less_layers', 0),
    set('parallelism.pipeline_parallel_last_stage_less_layers', 0),
    set('parallelism.pipeline_parallel_layers_per_stage', spec.numLayers / numStages),
  ];
}

function degreeSettings(plan: Plan, notes: string[]): TorchtitanSetting[] {
  const s = plan.strategy;
  // ZeRO-0 = DDP (replicate); ZeRO ≥ 1 = FSDP2 (shard). FSDP2 always shards parameters too.
  const sharded = s.zeroStage >= 1;
  if (s.zeroStage === 1 || s.zeroStage === 2) {
    notes.push(
      `FSDP2 has no ZeRO-${s.zeroStage}; closest is full sharding with parameters kept gathered after forward (fsdp_reshard_after_forward=never).`,
    );
  }
  if (s.tp > 1 && !s.sequenceParallel)
    notes.push(
      'torchtitan pairs TP with sequence parallelism by default (parallelism.enable_sequence_parallel).',
    );
  return [
    set('parallelism.data_parallel_replicate_degree', sharded ? 1 : s.dp),
    set('parallelism.data_parallel_shard_degree', sharded ? s.dp : 1),
    ...(s.zeroStage === 1 || s.zeroStage === 2
      ? [set('parallelism.fsdp_reshard_after_forward', 'never')]
      : []),
    set('parallelism.tensor_parallel_degree', s.tp),
    set('parallelism.pipeline_parallel_degree', s.pp),
    set('parallelism.context_parallel_degree', s.cp),
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

function pythonConfig(
  plan: Plan,
  settings: readonly TorchtitanSetting[],
  ac: 'none' | 'selective' | 'full',
): string {
  const lines = [
    'from torchtitan.distributed.activation_checkpoint import FullAC, SelectiveAC',
    'from torchtitan.trainer import Trainer',
    '',
    '',
    `def strata_plan(config: Trainer.Config) -> Trainer.Config:`,
    `    """Strata plan for ${plan.modelName} on ${plan.worldSize} × ${plan.acceleratorId}."""`,
    ...settings.map((x) => `    config.${x.option} = ${pythonValue(x.value)}`),
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
  const ac = plan.strategy.recompute;
  if (ac === 'full' && plan.strategy.recomputeLayers !== null) {
    notes.push(
      'torchtitan FullAC checkpoints every layer; partial full recompute (recomputeLayers) has no equivalent.',
    );
  }
  const overrides = [...cliWords(settings), `activation-checkpoint:${ac}`];
  const needsCsv = settings.some((x) => x.option === 'parallelism.pipeline_parallel_schedule_csv');
  const scheduleCsv =
    needsCsv && plan.schedule !== null
      ? plan.schedule.ranks.map((row) => row.join(',')).join('\n') + '\n'
      : null;
  const head = [
    ...torchrunHead(plan, '$NODE_RANK', '$MASTER_ADDR:$MASTER_PORT'),
    '-m',
    'torchtitan.train',
  ];
  const text = multiLineCommand(
    head,
    ['--module', '$MODULE', '--config', '$CONFIG', ...cliWords(settings)],
    [`activation-checkpoint:${ac}`],
  );
  return {
    settings,
    overrides,
    activationCheckpoint: ac,
    python: pythonConfig(plan, settings, ac),
    text,
    scheduleCsv,
    notes,
  };
}
