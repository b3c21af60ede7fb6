/**
 * Model-state bytes per GPU (weights, gradients, optimizer states) for mixed-precision Adam,
 * framework by framework, as each one allocates them. Ψ = parameters this GPU holds after TP/PP
 * splitting; d = the data-parallel (sharding) degree. Sources are the snapshots cited in
 * shared/context/framework_memory.md (MLM = Megatron-LM@d98e8a64, DS = DeepSpeed@edaa7221,
 * TT = torchtitan@b5bcd76c, PT = pytorch _fsdp_collectives.py@010ae4a8).
 *
 *  Megatron bf16:  2 bf16 params + 4 fp32 main_grad + 12 (fp32 master + Adam m, v) = 18 B;
 *                  distributed optimizer: only the 12 are sharded → 6 + 12/d; with
 *                  grad_reduce_in_fp32 = False the main_grad buffer takes the param dtype → 4 + 12/d
 *                  (param_and_grad_buffer.py: grad_dtype = fp32 if grad_reduce_in_fp32 else param)
 *                  (MLM docs/user-guide/features/dist_optimizer.md:L16-20;
 *                   core/distributed/param_and_grad_buffer.py:L1180-1195).
 *  Megatron fp16:  20 B = 2 fp16 params + 2 fp16 grads + 16 (fp32 master, fp32 grad copy, m, v);
 *                  distributed optimizer 4 + 16/d (dist_optimizer.md:L18-20).
 *  DeepSpeed bf16, ZeRO 0–1 (BF16_Optimizer, grad_accum_dtype fp32 as the export sets): 2 bf16
 *                  params + 2 bf16 .grad (zeroed, not freed) + 4 fp32 accumulation buffer (full,
 *                  not partitioned) + 12/d (DS runtime/bf16_optimizer.py:L153-196, L371-377).
 *  DeepSpeed fp16, ZeRO 0 (FP16_Optimizer): 2 + 2 + 12 (fused_optimizer.py:L98).
 *  DeepSpeed ZeRO 1–2 otherwise (stage_1_and_2.py): 2 params + 2 grads (÷d at stage 2) + 12/d.
 *  DeepSpeed ZeRO 3 (stage3.py:L733-744): (2 + 2 + 12)/d — grads kept in the model dtype.
 *  FSDP (torchtitan: fp32 params sharded, bf16 compute, fp32 reduce; TT config/configs.py:L87-102):
 *                  FULL_SHARD 4/d fp32 params + 4/d fp32 grads + 8/d Adam = 16/d;
 *                  SHARD_GRAD_OP the same states (its unsharded bf16 copy is a working buffer);
 *                  DDP (no sharding): 4 + 4 + 8 = 16 (PT _fsdp_collectives.py foreach_reduce).
 *                  With bf16 resident parameters (NeMo AutoModel's default: from_config
 *                  torch_dtype "auto" → bfloat16, nemo_automodel/_transformers/auto_model.py L846
 *                  @ 36044ad) and a torch.optim Adam, the moments take the parameter dtype and
 *                  FSDP2 casts the fp32-reduced gradient back to it: 2 + 2 + 4 = 8/d
 *                  (AutoModel docs/guides/mixed-precision-training.mdx "Risky Pattern").
 * ZeRO paper's reference for fp16 Adam: (2 + 2 + K)Ψ with K = 12 (Rajbhandari et al. SC'20 §5.1).
 */
import type { Precision } from '../hardware-profiles/index.js';
import type { Framework, FsdpParameterDtype, ZeroStage } from './strategy.js';

/** 16-bit model weights used by forward/backward (fp8 training keeps bf16 weights too). */
export const WEIGHT_BYTES_PER_PARAMETER = 2;
/** fp32 master copy + Adam first and second moments (ZeRO §3.1, K = 12). */
export const OPTIMIZER_BYTES_PER_PARAMETER = 12;

/** Bytes per parameter of each state, before and after sharding by d. */
export interface StateBytesPerParameter {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
}

export interface ModelStateBytes {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
}

function megatron(
  precision: Precision,
  zero: ZeroStage,
  d: number,
  fp32Gradients: boolean,
): StateBytesPerParameter {
  const sharded = zero >= 1 ? d : 1;
  if (precision === 'fp16') return { weights: 2, gradients: 2, optimizer: 16 / sharded };
  return { weights: 2, gradients: fp32Gradients ? 4 : 2, optimizer: 12 / sharded };
}

function deepspeed(precision: Precision, zero: ZeroStage, d: number): StateBytesPerParameter {
  if (zero === 3) return { weights: 2 / d, gradients: 2 / d, optimizer: 12 / d };
  if (precision !== 'fp16' && zero <= 1) {
    return { weights: 2, gradients: 2 + 4, optimizer: 12 / (zero === 1 ? d : 1) };
  }
  return { weights: 2, gradients: zero === 2 ? 2 / d : 2, optimizer: 12 / (zero >= 1 ? d : 1) };
}

function fsdp(zero: ZeroStage, d: number, dtype: FsdpParameterDtype): StateBytesPerParameter {
  const sharded = zero >= 2 ? d : 1;
  const bytes = dtype === 'bf16' ? 2 : 4;
  return { weights: bytes / sharded, gradients: bytes / sharded, optimizer: (2 * bytes) / sharded };
}

/**
 * Per-parameter state bytes of one framework (file comment for the sources).
 * @param fp32Gradients Megatron's grad_reduce_in_fp32 (TrainingConfig.gradientReduceInFp32)
 * @param fsdpDtype FSDP's resident parameter dtype (TrainingConfig.fsdpParameterDtype)
 */
export function stateBytesPerParameter(
  framework: Framework,
  precision: Precision,
  zero: ZeroStage,
  d: number,
  fp32Gradients = true,
  fsdpDtype: FsdpParameterDtype = 'fp32',
): StateBytesPerParameter {
  switch (framework) {
    case 'megatron':
      return megatron(precision, zero, d, fp32Gradients);
    case 'deepspeed':
      return deepspeed(precision, zero, d);
    case 'fsdp':
      return fsdp(zero, d, fsdpDtype);
  }
}

/**
 * Weights, gradients and optimizer bytes one GPU holds for `parameters` (its TP/PP share).
 * @returns bytes per kind
 * @see file comment; Rajbhandari et al. 2020 "ZeRO" §5.1 and Figure 1
 */
export function modelStateBytes(
  parameters: number,
  dp: number,
  zeroStage: ZeroStage,
  precision: Precision,
  framework: Framework,
  fp32Gradients = true,
  fsdpDtype: FsdpParameterDtype = 'fp32',
): ModelStateBytes {
  const b = stateBytesPerParameter(
    framework,
    precision,
    zeroStage,
    Math.max(1, dp),
    fp32Gradients,
    fsdpDtype,
  );
  return {
    weights: parameters * b.weights,
    gradients: parameters * b.gradients,
    optimizer: parameters * b.optimizer,
  };
}

/**
 * Bytes per parameter the data-parallel gradient reduction moves: fp32 for Megatron's main
 * grads and DeepSpeed's BF16_Optimizer buffer, fp32 for FSDP's reduce dtype (torchtitan
 * mixed_precision_reduce="float32", TT config/configs.py:L102), 16-bit for fp16 runs and for
 * DeepSpeed ZeRO 2–3 (gradients accumulate in the model dtype, stage3.py:L742-744), and for
 * Megatron with grad_reduce_in_fp32 off (the buffer is in the param dtype).
 */
export function gradientReduceBytesPerParameter(
  precision: Precision,
  framework: Framework,
  zeroStage: ZeroStage,
  fp32Gradients = true,
): number {
  if (precision === 'fp16') return 2;
  if (framework === 'megatron' && !fp32Gradients) return 2;
  if (framework === 'deepspeed' && zeroStage >= 2) return 2;
  return 4;
}
