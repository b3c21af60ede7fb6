/**
 * Framework working buffers: memory a framework allocates beside the model states, by the phase
 * of the step in which it is alive. The peak of a step is the larger of the backward phase
 * (activations alive) and the optimizer phase (activations freed, step temporaries allocated).
 * Ψ = parameters on this GPU after TP/PP splitting, d = the sharding degree, U = the parameters
 * of the largest FSDP / ZeRO-3 unit (one transformer layer here). Sources: the snapshots cited in
 * shared/context/framework_memory.md (DS = DeepSpeed@edaa7221, PT = pytorch@010ae4a8).
 */
import type { Precision } from '../hardware-profiles/index.js';
import type { Framework, ZeroStage } from './strategy.js';

/**
 * DeepSpeed's communication bucket, `reduce_bucket_size` = 5e8 elements (DS zero/config.py:L113),
 * also the all-reduce buffer of the BF16_Optimizer (`MEMORY_OPT_ALLREDUCE_SIZE`, engine.py:L160).
 */
export const DEEPSPEED_BUCKET_ELEMENTS = 5e8;
/** ZeRO-3 prefetch, `stage3_prefetch_bucket_size` = 5e7 elements (DS zero/config.py:L215-244). */
export const DEEPSPEED_PREFETCH_ELEMENTS = 5e7;
/** FSDP keeps two unsharded all-gather outputs alive (PT FSDP2 implicit prefetch; FSDP1 limit_all_gathers). */
const FSDP_UNSHARDED_UNITS = 2;
const BF16_BYTES = 2;
const FP32_BYTES = 4;

export interface WorkingMemoryInputs {
  readonly framework: Framework;
  readonly precision: Precision;
  readonly zeroStage: ZeroStage;
  /** Parameters on this GPU (after TP/PP), Ψ. */
  readonly parametersPerGpu: number;
  /** The largest FSDP / ZeRO-3 unit on this GPU (one layer's TP share), U. */
  readonly unitParameters: number;
  readonly dp: number;
}

/** Working bytes alive in the backward phase and in the optimizer phase. */
export interface WorkingMemoryBytes {
  readonly backward: number;
  readonly optimizerStep: number;
}

const none: WorkingMemoryBytes = { backward: 0, optimizerStep: 0 };

/**
 * DeepSpeed:
 *  ZeRO 0–1 bf16 (BF16_Optimizer): the fp32 accumulation buffer is all-reduced in flattened
 *    chunks of ≤ 5e8 elements after the last backward (engine.py:L2906-2913, L2980) → step phase
 *    min(Ψ, 5e8)·4 B.
 *  ZeRO 0 fp16 (FP16_Optimizer): a flat fp32 gradient for the step (fused_optimizer.py:L290-294) → 4Ψ.
 *  ZeRO 1–2 (stage_1_and_2): the IPG bucket, reduce_bucket_size·2 B during backward (no overlap_comm
 *    under the pipeline engine, stage_1_and_2.py:L2502-2514); stage 2 copies its gradient partition
 *    to fp32 for the step (L2361) → 4Ψ/d.
 *  ZeRO 3 (stage3.py, partitioned_param_coordinator.py:L452-476): gathered parameters of the
 *    current module plus the prefetch bucket, (U + 5e7)·2 B, and the IPG bucket during backward.
 */
function deepspeed(x: WorkingMemoryInputs): WorkingMemoryBytes {
  const bucket = Math.min(x.parametersPerGpu, DEEPSPEED_BUCKET_ELEMENTS) * BF16_BYTES;
  if (x.zeroStage === 3) {
    const gathered = (x.unitParameters + DEEPSPEED_PREFETCH_ELEMENTS) * BF16_BYTES;
    return { backward: gathered + bucket, optimizerStep: 0 };
  }
  if (x.zeroStage <= 1 && x.precision !== 'fp16') {
    return { backward: 0, optimizerStep: (bucket / BF16_BYTES) * FP32_BYTES };
  }
  if (x.zeroStage === 0) return { backward: 0, optimizerStep: x.parametersPerGpu * FP32_BYTES };
  const stepCopy = x.zeroStage === 2 ? (x.parametersPerGpu / x.dp) * FP32_BYTES : 0;
  return { backward: bucket, optimizerStep: stepCopy };
}

/**
 * FSDP (torchtitan / FSDP2): FULL_SHARD keeps two units' unsharded bf16 parameters (forward
 * prefetch) and, in backward, their bf16 gradients plus the fp32 reduce-scatter input of one
 * unit (foreach_reduce, reduce_dtype fp32) → U·(2·2 + 2 + 4) B. SHARD_GRAD_OP keeps every unit's
 * unsharded bf16 parameters from forward to backward → 2Ψ + the same gradient window.
 */
function fsdp(x: WorkingMemoryInputs): WorkingMemoryBytes {
  if (x.zeroStage < 2) return none;
  const gradientWindow = x.unitParameters * (BF16_BYTES + FP32_BYTES);
  const parameters =
    x.zeroStage === 3
      ? FSDP_UNSHARDED_UNITS * x.unitParameters * BF16_BYTES
      : x.parametersPerGpu * BF16_BYTES;
  return { backward: parameters + gradientWindow, optimizerStep: 0 };
}

/**
 * Working buffers of one GPU by phase, bytes. Megatron's distributed optimizer reduces into and
 * gathers from its full-size buffers in place (param_and_grad_buffer.py), so it adds none.
 */
export function workingMemoryBytes(x: WorkingMemoryInputs): WorkingMemoryBytes {
  switch (x.framework) {
    case 'megatron':
      return none;
    case 'deepspeed':
      return deepspeed(x);
    case 'fsdp':
      return fsdp(x);
  }
}
