/**
 * DeepSpeed `ds_config.json` for a plan, plus what the training script must pass to
 * `PipelineModule`.
 *
 * Where each key is defined upstream (deepspeedai/DeepSpeed; commit and per-key file in
 * test/fixtures/upstream/deepspeed-config-keys.json):
 *  - train_batch_size, train_micro_batch_size_per_gpu, gradient_accumulation_steps,
 *    gradient_clipping, steps_per_print, wall_clock_breakdown: deepspeed/runtime/constants.py,
 *    read in deepspeed/runtime/config.py; `_batch_assertion` requires
 *    train_batch_size = micro × accumulation × data-parallel world size.
 *  - zero_optimization.*: `DeepSpeedZeroConfig` (deepspeed/runtime/zero/config.py); stage3_* are
 *    pydantic aliases there.
 *  - bf16.*, fp16.*: `DeepSpeedBF16Config` / `DeepSpeedFP16Config` (deepspeed/runtime/precision_config.py).
 *  - activation_checkpointing.*: deepspeed/runtime/activation_checkpointing/config.py.
 *  - tensor_parallel.autotp_size: `TPTrainingConfig` (deepspeed/runtime/tensor_parallel/config.py).
 *  - PipelineModule(topology=..., partition_method='uniform'|'parameters'|'type:<regex>',
 *    activation_checkpoint_interval=...): deepspeed/runtime/pipe/module.py (`__init__`,
 *    `_partition_layers`, `forward`); PipeModelDataParallelTopology(num_pp, num_mp, num_dp):
 *    deepspeed/runtime/pipe/topology.py, axes ['pipe', 'data', 'model'] (model fastest, Megatron's
 *    rank order).
 * DeepSpeed's data-parallel size for the batch identity is the mpu's when one is given
 * (DeepSpeedConfig.__init__): with pipelining `deepspeed.initialize` takes `model.mpu()`, the
 * topology's grid (num_dp); AutoTP without pipelining needs deepspeed.utils.groups as the mpu
 * (dp = world / tp), else the whole world counts as data parallel and `_batch_assertion` fails.
 * AutoTP is not combined with PipelineModule: the engine would replace the pipeline grid by a
 * (world / tp, tp) mesh over all ranks (engine.py `_configure_tensor_parallel_states`).
 */
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import type { DeepSpeedPipeline } from './deepspeed-script.js';
import { deepspeedLayerSplit } from '../plan/index.js';
import { deepspeedScript, deepspeedLaunch, type DeepSpeedLaunch } from './deepspeed-script.js';
import { NO_ENV, type LaunchEnv } from './env.js';
import { ExportError } from './errors.js';

/** DeepSpeed's defaults (5e8 elements) for ZeRO buckets; Strata does not tune them. */
const BUCKET_ELEMENTS = 500_000_000;
/** DeepSpeed's default stage-3 prefetch bucket (5e7 elements). */
const PREFETCH_BUCKET_ELEMENTS = 50_000_000;
const GRADIENT_CLIP_NORM = 1.0;
const STEPS_PER_PRINT = 10;
/** Dynamic fp16 loss scaling starting at 2^16 (DeepSpeedFP16Config defaults). */
const INITIAL_SCALE_POWER = 16;

export type DeepSpeedConfig = Readonly<Record<string, unknown>>;

export interface DeepSpeedExport {
  readonly config: DeepSpeedConfig;
  readonly pipelineStages: number;
  readonly pipeline: DeepSpeedPipeline;
  /** How the training script must build the model and call deepspeed.initialize (topology, mpu). */
  readonly launch: DeepSpeedLaunch;
  /** Environment the launch needs (env.ts: none for DeepSpeed). */
  readonly env: LaunchEnv;
  /** Python for the training script: topology / mpu, PipelineModule and deepspeed.initialize. */
  readonly script: string;
  /** `torchrun ... train.py --deepspeed_config ds_config.json`, env first. */
  readonly command: string;
  /** Pretty JSON to save as ds_config.json. */
  readonly text: string;
  readonly notes: readonly string[];
}

function zeroSection(plan: Plan): Record<string, unknown> {
  const stage = plan.strategy.zeroStage;
  const zero: Record<string, unknown> = { stage };
  if (stage === 0) return zero;
  zero.overlap_comm = plan.training.overlapGradientReduce;
  zero.contiguous_gradients = true;
  zero.reduce_bucket_size = BUCKET_ELEMENTS;
  if (stage <= 2) zero.allgather_bucket_size = BUCKET_ELEMENTS;
  else zero.stage3_prefetch_bucket_size = PREFETCH_BUCKET_ELEMENTS;
  return zero;
}

function precisionSections(plan: Plan): Record<string, unknown> {
  switch (plan.training.precision) {
    case 'bf16':
      // fp32 gradient accumulation selects the BF16_Optimizer at ZeRO 0–1 (engine.py:L1978-2021),
      // the optimizer whose memory the estimate counts (costmodel/model-states.ts).
      return plan.strategy.zeroStage <= 1
        ? { bf16: { enabled: true }, data_types: { grad_accum_dtype: 'fp32' } }
        : { bf16: { enabled: true } };
    case 'fp16':
      return {
        fp16: {
          enabled: true,
          loss_scale: 0,
          initial_scale_power: INITIAL_SCALE_POWER,
          loss_scale_window: 1000,
          hysteresis: 2,
          min_loss_scale: 1,
        },
      };
    case 'fp8':
      throw new ExportError(
        'deepspeed',
        'unsupported-feature',
        'ds_config has no FP8 training switch; use format=megatron (Transformer Engine) or torchtitan',
        'training.precision',
      );
  }
}

/**
 * deepspeed.checkpointing settings. Saved layer inputs are partitioned over TP only for a plan that
 * assumed them split (sequence parallel), as the estimate keeps 2sbh per layer otherwise
 * (costmodel/activations.ts). Contiguous buffers stay off: `checkpointing.configure` asserts they
 * come with partitioned activations and `number_checkpoints`, which would have to cover every
 * micro-batch in flight before a backward (deepspeed/runtime/activation_checkpointing/checkpointing.py).
 * `number_checkpoints` is a buffer size there, not a count of recomputed layers.
 */
function activationSection(plan: Plan): Record<string, unknown> {
  const s = plan.strategy;
  if (s.recompute === 'none') return {};
  return {
    activation_checkpointing: {
      partition_activations: s.tp > 1 && s.sequenceParallel,
      contiguous_memory_optimization: false,
    },
  };
}

function deepspeedNotes(plan: Plan, balanced: boolean, split: readonly number[]): string[] {
  const s = plan.strategy;
  const notes: string[] = [];
  if (s.virtualStages > 1 || s.schedule !== '1f1b') {
    notes.push(
      `DeepSpeed's PipelineEngine runs plain 1F1B (TrainSchedule); the plan's ${s.schedule}${s.virtualStages > 1 ? ` with ${s.virtualStages} virtual stages` : ''} cannot be expressed.`,
    );
  }
  if (s.sequenceParallel && s.tp > 1) {
    notes.push(
      'Megatron-style sequence parallelism needs Megatron-DeepSpeed (its --sequence-parallel flag); plain DeepSpeed AutoTP does not shard norms/dropout along the sequence.',
    );
  }
  if (s.cp > 1) {
    notes.push(
      `Context parallelism (cp=${s.cp}) has no ds_config key; DeepSpeed's analogue is Ulysses sequence parallelism (deepspeed.sequence.layer.DistributedAttention), set up in the training script through an mpu.`,
    );
  }
  if (s.tp > 1 && s.pp === 1) {
    notes.push(
      'tensor_parallel.autotp_size enables DeepSpeed AutoTP training; the script passes deepspeed.utils.groups as the mpu so that DeepSpeed counts dp = world / tp.',
    );
  }
  if (s.tp > 1 && s.pp > 1) {
    notes.push(
      `AutoTP does not compose with PipelineModule, so no tensor_parallel section: the transformer layers must shard themselves over the topology's model axis (tp=${s.tp}; model.mpu().get_model_parallel_group() restricted to one stage, as Megatron-DeepSpeed's ParallelTransformerLayerPipe does).`,
    );
  }
  if (s.recompute === 'full' && s.recomputeLayers !== null) {
    notes.push(
      `Partial recompute (first ${s.recomputeLayers} layers per stage) has no DeepSpeed setting: PipelineModule checkpoints every activation_checkpoint_interval layers of a stage; the script recomputes every layer.`,
    );
  }
  if (s.recompute === 'selective') {
    notes.push(
      'Selective recompute has no ds_config key: activation_checkpointing only configures deepspeed.checkpointing.checkpoint(), which the model code must call around the attention core.',
    );
  }
  if (s.pp > 1 && !balanced) {
    notes.push(
      `PipelineModule partition_method accepts only 'uniform', 'parameters' or 'type:<regex>' (deepspeed/runtime/pipe/module.py), and 'type:' balances transformer layers to [${deepspeedLayerSplit(
        split.reduce((a, b) => a + b, 0),
        s.pp,
      ).join(
        ', ',
      )}]; the split [${split.join(', ')}] must be applied by subclassing PipelineModule and setting self.parts in _partition_layers.`,
    );
  }
  return notes;
}

/** Build the ds_config for a plan; throws ExportError for what DeepSpeed cannot express at all. */
export function deepspeedConfig(plan: Plan, spec: TransformerSpec): DeepSpeedExport {
  const s = plan.strategy;
  if (s.pp > 1 && s.zeroStage >= 2) {
    // deepspeed/runtime/pipe/engine.py PipelineEngine.__init__ asserts stage < ZeroStageEnum.gradients.
    throw new ExportError(
      'deepspeed',
      'framework-validation',
      `DeepSpeed's PipelineEngine supports ZeRO-0/1 only; ZeRO-${s.zeroStage} with pp=${s.pp} is rejected ("ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism")`,
      'strategy.zeroStage',
      { zeroStage: s.zeroStage, pp: s.pp },
    );
  }
  if (s.dpShard !== undefined && s.dpShard < s.dp) {
    // ZeRO++ hpZ keeps a secondary partition for backward gathers only; MiCS shards differently:
    // neither is FSDP's hybrid sharding, so the plan would not run as estimated.
    throw new ExportError(
      'deepspeed',
      'unsupported-feature',
      `hybrid sharding (dataParallelShard=${s.dpShard} of dp=${s.dp}) is FSDP's HSDP; DeepSpeed's ZeRO++ hpZ and MiCS are different schemes. Use format=torchtitan`,
      'strategy.dataParallelShard',
    );
  }
  const stageSplit = Array.from({ length: s.pp }, (_, r) =>
    plan.layout.filter((c) => c.pipelineRank === r).reduce((a, c) => a + c.numLayers, 0),
  );
  const own = deepspeedLayerSplit(spec.numLayers, s.pp);
  const balanced = stageSplit.every((n, k) => n === own[k]);
  const config: Record<string, unknown> = {
    train_batch_size: s.microBatchSize * s.numMicroBatches * s.dp,
    train_micro_batch_size_per_gpu: s.microBatchSize,
    gradient_accumulation_steps: s.numMicroBatches,
    gradient_clipping: GRADIENT_CLIP_NORM,
    steps_per_print: STEPS_PER_PRINT,
    wall_clock_breakdown: false,
    zero_optimization: zeroSection(plan),
    ...precisionSections(plan),
    ...activationSection(plan),
    ...(s.tp > 1 && s.pp === 1 ? { tensor_parallel: { autotp_size: s.tp } } : {}),
  };
  const pipeline: DeepSpeedPipeline = {
    numStages: s.pp,
    partitionMethod: balanced ? 'uniform' : 'explicit',
    layersPerStage: stageSplit,
  };
  const launch = deepspeedLaunch(plan);
  const { script, command } = deepspeedScript(plan, launch, pipeline);
  return {
    config,
    pipelineStages: s.pp,
    pipeline,
    launch,
    env: NO_ENV,
    script,
    command,
    text: JSON.stringify(config, null, 2) + '\n',
    notes: deepspeedNotes(plan, balanced, stageSplit),
  };
}
