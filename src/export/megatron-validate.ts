/**
 * Megatron-LM's own argument checks, replicated so that an export fails here, with the plan field
 * named, rather than in `validate_args` on a thousand GPUs. Each rule cites where upstream
 * enforces it (NVIDIA/Megatron-LM, commit recorded in test/fixtures/upstream/megatron-flags.json).
 */
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import { ExportError } from './errors.js';
import { layersPerChunk } from './plan-facts.js';

function fail(message: string, field: string, details: Record<string, unknown> = {}): never {
  throw new ExportError('megatron', 'framework-validation', message, field, details);
}

function unsupported(message: string, field: string, details: Record<string, unknown> = {}): never {
  throw new ExportError('megatron', 'unsupported-feature', message, field, details);
}

/** Throws ExportError when Megatron-LM would reject (or cannot express) the plan. */
export function validateForMegatron(plan: Plan, spec: TransformerSpec): void {
  const s = plan.strategy;
  // ZeRO: Megatron's --use-distributed-optimizer shards optimizer state only (ZeRO-1);
  // gradient/parameter sharding is Megatron-FSDP, a different code path Strata does not model.
  if (s.zeroStage >= 2) {
    unsupported(
      `Megatron-LM has no ZeRO-${s.zeroStage}; its distributed optimizer shards optimizer states only (ZeRO-1). Use format=torchtitan or deepspeed`,
      'strategy.zeroStage',
      { zeroStage: s.zeroStage },
    );
  }
  // --position-embedding-type choices: learned_absolute, rope, yarn, mrope, relative, none
  // (megatron/training/arguments.py _add_network_size_args).
  if (spec.positionEmbedding === 'alibi') {
    unsupported('Megatron-LM has no ALiBi position embedding', 'spec.positionEmbedding');
  }
  // validate_args: world_size % (tp·pp·cp) == 0; data_parallel_size = world / (tp·pp·cp).
  const modelParallel = s.tp * s.pp * s.cp;
  if (plan.worldSize % modelParallel !== 0 || plan.worldSize / modelParallel !== s.dp) {
    fail(
      `world size ${plan.worldSize} must equal dp=${s.dp} × tp=${s.tp} × pp=${s.pp} × cp=${s.cp}`,
      'strategy.dp',
      { worldSize: plan.worldSize, tp: s.tp, pp: s.pp, cp: s.cp, dp: s.dp },
    );
  }
  // megatron/core/num_microbatches_calculator.py: global_batch_size % (mbs·dp) == 0.
  const perStep = s.microBatchSize * s.dp;
  if (plan.training.globalBatchSize % perStep !== 0) {
    fail(
      `globalBatchSize=${plan.training.globalBatchSize} is not divisible by microBatchSize=${s.microBatchSize} × dp=${s.dp}`,
      'training.globalBatchSize',
    );
  }
  // megatron/core/transformer/transformer_config.py __post_init__: heads and query groups vs tp.
  if (spec.numHeads % s.tp !== 0) {
    fail(`numHeads=${spec.numHeads} must be a multiple of tp=${s.tp}`, 'strategy.tp');
  }
  if (spec.numKvHeads % s.tp !== 0 && s.tp % spec.numKvHeads !== 0) {
    fail(
      `numKvHeads=${spec.numKvHeads} must be a multiple or divisor of tp=${s.tp}`,
      'strategy.tp',
    );
  }
  // validate_args: seq_length % (2·cp) == 0 when cp > 1 (load-balanced causal split).
  if (s.cp > 1 && plan.training.sequenceLength % (2 * s.cp) !== 0) {
    fail(
      `sequenceLength=${plan.training.sequenceLength} must be a multiple of 2 × cp=${2 * s.cp}`,
      'strategy.cp',
    );
  }
  validatePipelineForMegatron(plan, spec);
}

function validatePipelineForMegatron(plan: Plan, spec: TransformerSpec): void {
  const s = plan.strategy;
  const split = layersPerChunk(plan);
  const total = split.reduce((a, b) => a + b, 0);
  if (split.length !== s.pp * s.virtualStages || total !== spec.numLayers) {
    fail(
      `layout has ${split.length} chunks holding ${total} layers; expected pp×virtualStages=${s.pp * s.virtualStages} chunks holding ${spec.numLayers}`,
      'layout',
    );
  }
  if (s.virtualStages > 1) {
    // validate_args: interleaving needs pp > 1 (overlap_p2p_comm on, the default).
    if (s.pp < 2) fail('interleaved pipelining (virtualStages > 1) needs pp > 1', 'strategy.pp');
    // megatron/core/pipeline_parallel/schedules.py: microbatch_group_size_per_vp_stage
    // (default pp) must lie in [pp, M] and M mod group must be 0 or ≥ pp, i.e. M % pp == 0.
    if (s.numMicroBatches % s.pp !== 0) {
      fail(
        `interleaved 1F1B needs numMicroBatches=${s.numMicroBatches} to be a multiple of pp=${s.pp}`,
        'strategy.numMicroBatches',
      );
    }
  }
}
