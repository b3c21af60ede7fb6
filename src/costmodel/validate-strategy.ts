/**
 * Validity rules for a (model, cluster, training, strategy) combination, as Megatron-LM checks
 * them in megatron/training/arguments.py (validate_args) and parallel_state.initialize_model_parallel.
 * Every failure is a PlanningError naming the request field and printing every factor
 * (torchtitan's ParallelDims._validate style).
 */
import type { TransformerSpec } from '../model-spec/index.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import { strategyWorldSize } from './strategy.js';
import { PlanningError } from './errors.js';
import { validateContextParallel, validateExperts } from './validate-moe-cp.js';

function positiveInteger(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new PlanningError(
      'invalid-strategy',
      `${field}=${value} must be a positive integer`,
      field,
    );
  }
}

/** Throws the first rule the strategy breaks; returns normally when it is executable. */
export function validateStrategy(
  spec: TransformerSpec,
  worldSize: number,
  training: TrainingConfig,
  s: Strategy,
): void {
  positiveInteger(s.dp, 'strategy.dataParallel');
  positiveInteger(s.tp, 'strategy.tensorParallel');
  positiveInteger(s.pp, 'strategy.pipelineParallel');
  positiveInteger(s.virtualStages, 'strategy.virtualStages');
  positiveInteger(s.microBatchSize, 'strategy.microBatchSize');
  positiveInteger(s.numMicroBatches, 'strategy.numMicroBatches');
  positiveInteger(s.cp, 'strategy.contextParallel');
  validateSharding(s, training);
  validateContextParallel(spec, training, s);
  validateExperts(spec, s);
  const product = strategyWorldSize(s);
  if (product !== worldSize) {
    throw new PlanningError(
      'world-size-mismatch',
      `dp=${s.dp} × tp=${s.tp} × pp=${s.pp} × cp=${s.cp} = ${product} GPUs, but the cluster has ${worldSize}`,
      'strategy',
      { product, worldSize },
    );
  }
  if (spec.numHeads % s.tp !== 0) {
    throw new PlanningError(
      'heads-not-divisible',
      `tp=${s.tp} does not divide ${spec.numHeads} attention heads`,
      'strategy.tensorParallel',
    );
  }
  if (spec.numKvHeads % s.tp !== 0) {
    throw new PlanningError(
      'heads-not-divisible',
      `tp=${s.tp} does not divide ${spec.numKvHeads} key/value heads (query groups)`,
      'strategy.tensorParallel',
    );
  }
  if (spec.ffnHiddenSize % s.tp !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `tp=${s.tp} does not divide the MLP hidden size ${spec.ffnHiddenSize}`,
      'strategy.tensorParallel',
    );
  }
  const sequencesPerStep = s.dp * s.microBatchSize * s.numMicroBatches;
  if (sequencesPerStep !== training.globalBatchSize) {
    throw new PlanningError(
      'batch-not-divisible',
      `dp=${s.dp} × microBatchSize=${s.microBatchSize} × numMicroBatches=${s.numMicroBatches} = ${sequencesPerStep}, not globalBatchSize=${training.globalBatchSize}`,
      'strategy.numMicroBatches',
    );
  }
  validatePipeline(s, training);
}

function validatePipeline(s: Strategy, training: TrainingConfig): void {
  validateSlices(s, training);
  validateRecomputeLayers(s);
  if (s.schedule === 'zb-v') {
    if (s.virtualStages !== 2) {
      throw new PlanningError(
        'invalid-strategy',
        `zb-v places exactly 2 chunks per rank (V-shape); got virtualStages=${s.virtualStages}`,
        'strategy.virtualStages',
      );
    }
  } else if (s.schedule === 'interleaved-1f1b') {
    if (s.virtualStages < 2) {
      throw new PlanningError(
        'invalid-strategy',
        `interleaved-1f1b needs virtualStages ≥ 2 (got ${s.virtualStages})`,
        'strategy.virtualStages',
      );
    }
    if (s.pp < 2) {
      throw new PlanningError(
        'invalid-strategy',
        'interleaved-1f1b needs pipelineParallel ≥ 2',
        'strategy.pipelineParallel',
      );
    }
    if (s.numMicroBatches % s.pp !== 0) {
      throw new PlanningError(
        'batch-not-divisible',
        `interleaved-1f1b needs numMicroBatches=${s.numMicroBatches} to be a multiple of pp=${s.pp} (Megatron-LM requirement)`,
        'strategy.numMicroBatches',
      );
    }
  } else if (s.virtualStages !== 1) {
    throw new PlanningError(
      'invalid-strategy',
      `virtualStages=${s.virtualStages} requires schedule interleaved-1f1b (or 2 with zb-v)`,
      'strategy.virtualStages',
    );
  }
}

/** seq-slice-1f1b splits each micro-batch's sequence into k slices; other schedules use k = 1. */
function validateSlices(s: Strategy, training: TrainingConfig): void {
  const k = s.sequenceSlices;
  if (!Number.isInteger(k) || k < 1) {
    throw new PlanningError(
      'invalid-strategy',
      `sequenceSlices=${k} must be a positive integer`,
      'strategy.sequenceSlices',
    );
  }
  if (s.schedule !== 'seq-slice-1f1b' && k !== 1) {
    throw new PlanningError(
      'invalid-strategy',
      `sequenceSlices=${k} requires schedule seq-slice-1f1b`,
      'strategy.sequenceSlices',
    );
  }
  if (training.sequenceLength % k !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `sequenceSlices=${k} does not divide sequenceLength=${training.sequenceLength}`,
      'strategy.sequenceSlices',
    );
  }
}

function validateRecomputeLayers(s: Strategy): void {
  if (
    s.recomputeLayers !== null &&
    (!Number.isInteger(s.recomputeLayers) || s.recomputeLayers < 0)
  ) {
    throw new PlanningError(
      'invalid-strategy',
      `recomputeLayers=${s.recomputeLayers} must be a non-negative integer`,
      'strategy.recomputeLayers',
    );
  }
}

/**
 * The ZeRO stages each framework implements (so that memory and communication are those of a
 * real code path): Megatron-LM has no ZeRO-2/3 (its distributed optimizer is ZeRO-1,
 * docs/user-guide/features/dist_optimizer.md); FSDP has no optimizer-only sharding (DDP,
 * SHARD_GRAD_OP, FULL_SHARD); DeepSpeed's PipelineEngine rejects ZeRO-2/3
 * (deepspeed/runtime/pipe/engine.py:L76-77).
 */
function validateSharding(s: Strategy, training: TrainingConfig): void {
  const supported: readonly number[] =
    training.framework === 'megatron'
      ? [0, 1]
      : training.framework === 'fsdp'
        ? [0, 2, 3]
        : s.pp > 1
          ? [0, 1]
          : [0, 1, 2, 3];
  if (!supported.includes(s.zeroStage)) {
    throw new PlanningError(
      'unsupported',
      `zeroStage=${s.zeroStage} is not available with ${training.framework}${training.framework === 'deepspeed' ? ' and pipeline parallelism' : ''}; supported: ${supported.join(', ')}`,
      'strategy.zeroStage',
      { supported: [...supported] },
    );
  }
  validateHybridShard(s, training);
}

/**
 * HSDP is FSDP2's 2-D mesh (torchtitan data_parallel_replicate_degree × data_parallel_shard_degree
 * = dp, parallel_dims.py _validate): the shard degree divides dp, and only sharded FSDP has it.
 */
function validateHybridShard(s: Strategy, training: TrainingConfig): void {
  if (s.dpShard === undefined || s.dpShard === s.dp) return;
  positiveInteger(s.dpShard, 'strategy.dataParallelShard');
  if (training.framework !== 'fsdp' || s.zeroStage < 2) {
    throw new PlanningError(
      'unsupported',
      `dataParallelShard=${s.dpShard} (hybrid sharding) needs framework fsdp with zeroStage 2 or 3; got ${training.framework} with zeroStage ${s.zeroStage}`,
      'strategy.dataParallelShard',
    );
  }
  if (s.dp % s.dpShard !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `dataParallelShard=${s.dpShard} does not divide dataParallel=${s.dp}`,
      'strategy.dataParallelShard',
    );
  }
}
