/**
 * Megatron-LM `pretrain_gpt.py` arguments for a plan.
 *
 * Where each flag family is defined upstream (NVIDIA/Megatron-LM; commit and per-flag file in
 * test/fixtures/upstream/megatron-flags.json):
 *  - parallel degrees, --sequence-parallel, --bf16/--fp16: `ModelParallelConfig` fields
 *    (megatron/core/model_parallel_config.py), turned into flags by `ArgumentGroupFactory`
 *    (megatron/training/argument_utils.py) in `_add_network_size_args`.
 *  - model shape, --normalization, --disable-bias-linear, --recompute-*, --fp8-format,
 *    --attention-backend, dropouts: `TransformerConfig` (megatron/core/transformer/transformer_config.py).
 *  - --micro-batch-size, --global-batch-size: `TrainingConfig` (megatron/training/config/training_config.py).
 *  - --pipeline-model-parallel-layout, --num-virtual-stages-per-pipeline-rank,
 *    --use-distributed-optimizer, --overlap-grad-reduce, --overlap-param-gather (`_add_distributed_args`),
 *    --group-query-attention, --swiglu, --position-embedding-type, --max-position-embeddings,
 *    --untie-embeddings-and-output-weights (`_add_network_size_args`), --seq-length (`_add_data_args`):
 *    megatron/training/arguments.py.
 * `--use-flash-attn` is still accepted but nothing in megatron/ reads it; `--attention-backend` is
 * the current switch (enum `AttnBackend`, megatron/core/transformer/enums.py).
 */
import { DEFAULT_RECOMPUTE_MODULES } from '../costmodel/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import { envWords, megatronEnv, type LaunchEnv } from './env.js';
import { formatPipelineLayout } from './megatron-layout.js';
import { megatronMoeArgs } from './megatron-moe.js';
import { validateForMegatron } from './megatron-validate.js';
import { isEvenSplit, layersPerChunk } from './plan-facts.js';
import { multiLineCommand } from './shell.js';
import { torchrunHead } from './torchrun.js';

export interface MegatronExport {
  readonly argv: readonly string[];
  /** Environment the launch needs (env.ts: CUDA_DEVICE_MAX_CONNECTIONS=1 with tp or cp > 1). */
  readonly env: LaunchEnv;
  /** A shell-ready `[NAME=value ...] torchrun ... pretrain_gpt.py \` command, one flag per line. */
  readonly text: string;
  readonly notes: readonly string[];
}

/** Megatron's dropout default (TransformerConfig.hidden_dropout / attention_dropout = 0.1). */
const NO_DROPOUT = '0.0';

function parallelArgs(plan: Plan, spec: TransformerSpec): string[] {
  const s = plan.strategy;
  const argv = [
    '--tensor-model-parallel-size',
    String(s.tp),
    '--pipeline-model-parallel-size',
    String(s.pp),
    '--context-parallel-size',
    String(s.cp),
  ];
  if (s.sequenceParallel && s.tp > 1) argv.push('--sequence-parallel');
  const split = layersPerChunk(plan);
  if (!isEvenSplit(split))
    argv.push('--pipeline-model-parallel-layout', formatPipelineLayout(split, spec.mtpLayers));
  else if (s.virtualStages > 1)
    argv.push('--num-virtual-stages-per-pipeline-rank', String(s.virtualStages));
  argv.push('--micro-batch-size', String(s.microBatchSize));
  argv.push('--global-batch-size', String(plan.training.globalBatchSize));
  return argv;
}

function recomputeArgs(plan: Plan): string[] {
  const s = plan.strategy;
  switch (s.recompute) {
    case 'none':
      return [];
    case 'selective':
      // recompute_num_layers must be None for selective (TransformerConfig.__post_init__);
      // --recompute-modules (nargs='*', Megatron-LM arguments.py) only when not the default.
      return [
        '--recompute-granularity',
        'selective',
        ...(s.recomputeModules === undefined ||
        s.recomputeModules.join() === DEFAULT_RECOMPUTE_MODULES.join()
          ? []
          : ['--recompute-modules', ...s.recomputeModules]),
      ];
    case 'full':
      if (s.recomputeLayers === 0) return [];
      // null = every layer: uniform units of one layer; k = the first k layers of each stage.
      return s.recomputeLayers === null
        ? [
            '--recompute-granularity',
            'full',
            '--recompute-method',
            'uniform',
            '--recompute-num-layers',
            '1',
          ]
        : [
            '--recompute-granularity',
            'full',
            '--recompute-method',
            'block',
            '--recompute-num-layers',
            String(s.recomputeLayers),
          ];
  }
}

function optimizerArgs(plan: Plan): string[] {
  const argv: string[] = [];
  const distributed = plan.strategy.zeroStage === 1;
  if (distributed) argv.push('--use-distributed-optimizer');
  if (plan.training.overlapGradientReduce) {
    argv.push('--overlap-grad-reduce');
    // validate_args: --overlap-param-gather needs the distributed optimizer and --overlap-grad-reduce.
    if (distributed) argv.push('--overlap-param-gather');
  }
  return argv;
}

function modelArgs(plan: Plan, spec: TransformerSpec): string[] {
  const argv = [
    '--num-layers',
    String(spec.numLayers),
    '--hidden-size',
    String(spec.hiddenSize),
    '--num-attention-heads',
    String(spec.numHeads),
    '--ffn-hidden-size',
    String(spec.ffnHiddenSize),
  ];
  if (spec.headDim * spec.numHeads !== spec.hiddenSize)
    argv.push('--kv-channels', String(spec.headDim));
  if (spec.numKvHeads !== spec.numHeads) {
    argv.push('--group-query-attention', '--num-query-groups', String(spec.numKvHeads));
  }
  const seq = plan.training.sequenceLength;
  argv.push('--seq-length', String(seq));
  argv.push('--max-position-embeddings', String(Math.max(seq, spec.maxPositionEmbeddings)));
  argv.push(
    '--position-embedding-type',
    spec.positionEmbedding === 'rotary' ? 'rope' : 'learned_absolute',
  );
  argv.push('--normalization', spec.norm === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm');
  if (spec.gatedMlp) argv.push('--swiglu');
  if (!spec.tiedEmbeddings) argv.push('--untie-embeddings-and-output-weights');
  if (!spec.linearBias) argv.push('--disable-bias-linear');
  if (!plan.training.dropout)
    argv.push('--hidden-dropout', NO_DROPOUT, '--attention-dropout', NO_DROPOUT);
  // Flash: fused kernels, no s×s scores kept; unfused: what the estimate assumed without flash.
  argv.push('--attention-backend', plan.training.flashAttention ? 'flash' : 'unfused');
  return argv;
}

/**
 * The dtype flags, with the main-gradient dtype the estimate counted (TrainingConfig
 * .gradientReduceInFp32, absent = fp32). validate_args (megatron/training/arguments.py) turns fp32
 * main grads on by itself for bf16 unless --grad-reduce-in-bf16; for fp16 only
 * --accumulate-allreduce-grads-in-fp32 does.
 */
function precisionArgs(plan: Plan): string[] {
  const fp32Gradients = plan.training.gradientReduceInFp32 ?? true;
  const bf16 = fp32Gradients ? ['--bf16'] : ['--bf16', '--grad-reduce-in-bf16'];
  switch (plan.training.precision) {
    case 'bf16':
      return bf16;
    case 'fp16':
      return fp32Gradients ? ['--fp16', '--accumulate-allreduce-grads-in-fp32'] : ['--fp16'];
    case 'fp8':
      // FP8 via Transformer Engine on a bf16 base: e4m3 forward, e5m2 gradients ("hybrid").
      return [...bf16, '--fp8-format', 'hybrid'];
  }
}

function megatronNotes(plan: Plan): string[] {
  const s = plan.strategy;
  const notes = [
    'Data, tokenizer, optimizer, learning-rate and checkpoint flags are left to you (e.g. --data-path, --tokenizer-type, --lr, --train-iters, --save).',
  ];
  if (s.sequenceParallel && s.tp === 1) {
    notes.push(
      'Sequence parallelism omitted: Megatron-LM disables it when tp = 1 (validate_args).',
    );
  }
  if (s.schedule !== '1f1b' && s.schedule !== 'interleaved-1f1b') {
    notes.push(
      `Megatron-LM runs 1F1B (interleaved when virtual stages > 1); the plan's ${s.schedule} schedule has no pretrain_gpt.py flag, so the run will not match the estimate's bubble.`,
    );
  }
  if (s.schedule === 'zb-v') {
    notes.push(
      "Megatron-LM places virtual stage k on rank k mod pp (interleaved), not in zb-v's V; per-rank layer totals differ from the plan unless the split is even.",
    );
  }
  if (s.virtualStages > 1) {
    notes.push(
      'Older Megatron-LM releases also required numMicroBatches to be a multiple of pp for interleaving; this plan satisfies it.',
    );
  }
  return notes;
}

/** Build the Megatron-LM argument list; throws ExportError when Megatron cannot run the plan. */
export function megatronArgs(plan: Plan, spec: TransformerSpec): MegatronExport {
  validateForMegatron(plan, spec);
  const argv = [
    ...parallelArgs(plan, spec),
    ...recomputeArgs(plan),
    ...optimizerArgs(plan),
    ...modelArgs(plan, spec),
    ...precisionArgs(plan),
    ...megatronMoeArgs(plan, spec),
  ];
  const env = megatronEnv(plan);
  const head = [
    ...envWords(env),
    ...torchrunHead(plan, '$NODE_RANK', '$MASTER_ADDR:$MASTER_PORT'),
    'pretrain_gpt.py',
  ];
  return { argv, env, text: multiLineCommand(head, argv), notes: megatronNotes(plan) };
}
