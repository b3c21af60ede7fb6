/**
 * Model-state memory per GPU (weights, gradients, optimizer states) under ZeRO / distributed
 * optimizer sharding, for mixed-precision Adam.
 *
 * Bytes per parameter, Megatron-LM mixed precision with BF16 (docs "Distributed Optimizer" table):
 *   16-bit weights 2 + fp32 main gradients 4 + fp32 master weights 4 + Adam m 4 + Adam v 4 = 18;
 *   the distributed optimizer (ZeRO-1) shards the 12 optimizer bytes over DP: 6 + 12/d.
 * FP16 training keeps 16-bit gradients (2 bytes), the ZeRO paper's 2 + 2 + 12 = 16Ψ
 * (Rajbhandari et al. 2020, §3.1, K = 12).
 */
import type { Precision } from '../hardware-profiles/index.js';
import type { Framework, ZeroStage } from './strategy.js';

/** 16-bit model weights used by forward/backward (fp8 training keeps bf16 weights too). */
export const WEIGHT_BYTES_PER_PARAMETER = 2;
/** fp32 master copy + Adam first and second moments (ZeRO §3.1, K = 12). */
export const OPTIMIZER_BYTES_PER_PARAMETER = 12;

/**
 * Gradient bytes held per parameter:
 *  megatron bf16: fp32 main_grad buffer (4) — wgrad GEMMs accumulate into it directly
 *    (megatron/core/distributed/param_and_grad_buffer.py, gradient_accumulation_fusion);
 *  deepspeed bf16: the bf16 .grad (2) plus BF16_Optimizer's fp32 accumulation buffer (4)
 *    (deepspeed/runtime/bf16_optimizer.py, fp32_groups_gradients);
 *  fsdp, and any fp16 run: 16-bit gradients (2) (ZeRO §3.1's 2Ψ).
 */
export function gradientBytesPerParameter(precision: Precision, framework: Framework): number {
  if (precision === 'fp16') return 2;
  switch (framework) {
    case 'megatron':
      return 4;
    case 'deepspeed':
      return 6;
    case 'fsdp':
      return 2;
  }
}

/** Bytes per parameter the data-parallel gradient reduction moves: fp32 unless fp16 or FSDP. */
export function gradientReduceBytesPerParameter(
  precision: Precision,
  framework: Framework,
): number {
  return precision === 'fp16' || framework === 'fsdp' ? 2 : 4;
}

export interface ModelStateBytes {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
}

/**
 * Weights, gradients and optimizer bytes one GPU holds for `parameters` (its TP/PP share).
 *  ZeRO-1: optimizer / d;  ZeRO-2: + gradients / d;  ZeRO-3: + weights / d.
 * @returns bytes per kind
 * @see Rajbhandari et al. 2020 "ZeRO", §5.1 and Figure 1 (P_os, P_os+g, P_os+g+p)
 */
export function modelStateBytes(
  parameters: number,
  dp: number,
  zeroStage: ZeroStage,
  precision: Precision,
  framework: Framework,
): ModelStateBytes {
  const weights = (parameters * WEIGHT_BYTES_PER_PARAMETER) / (zeroStage >= 3 ? dp : 1);
  const gradients =
    (parameters * gradientBytesPerParameter(precision, framework)) / (zeroStage >= 2 ? dp : 1);
  const optimizer = (parameters * OPTIMIZER_BYTES_PER_PARAMETER) / (zeroStage >= 1 ? dp : 1);
  return { weights, gradients, optimizer };
}

/**
 * ZeRO-3 / FSDP working set: one layer being computed plus one prefetched, held unsharded
 * (16-bit weights), and the unsharded 16-bit gradient of the layer before its reduce-scatter.
 * @see Zhao et al. 2023 "PyTorch FSDP", §3.2.2 (forward prefetch, limit_all_gathers keeps ~2 units)
 */
export function zero3GatheredBytes(layerParametersPerTensorRank: number): number {
  const gatheredLayers = 2;
  return (
    gatheredLayers * layerParametersPerTensorRank * WEIGHT_BYTES_PER_PARAMETER +
    layerParametersPerTensorRank * WEIGHT_BYTES_PER_PARAMETER
  );
}

/**
 * Memory not accounted for by tensors: CUDA context and kernels (~0.5–1 GiB), NCCL
 * communicator buffers, and caching-allocator fragmentation. We reserve a fixed amount plus a
 * fraction of the tensor bytes.
 * @see PyTorch "CUDA semantics: memory management" (caching allocator reserves more than it
 *      allocates); NCCL docs NCCL_BUFFSIZE (4 MiB per channel per peer)
 */
export const RUNTIME_RESERVE_BYTES = 2 * 2 ** 30;
/** Caching-allocator reserved/allocated overhead: ~10% is typical of large-model training. */
export const ALLOCATOR_FRAGMENTATION_FRACTION = 0.1;

/**
 * DeepSpeed ZeRO-1/2 keeps two flat communication buckets whatever the model size: gradients are
 * reduced `reduce_bucket_size` elements at a time and parameters gathered `allgather_bucket_size`
 * elements at a time, both defaulting to 5e8 elements.
 * @see DeepSpeed config docs, "zero_optimization": reduce_bucket_size, allgather_bucket_size
 */
const DEEPSPEED_BUCKET_ELEMENTS = 5e8;

/** Framework-owned communication buffers, bytes per GPU. */
export function frameworkBufferBytes(
  framework: Framework,
  zeroStage: ZeroStage,
  precision: Precision,
): number {
  if (framework !== 'deepspeed' || zeroStage === 0 || zeroStage === 3) return 0;
  return (
    DEEPSPEED_BUCKET_ELEMENTS *
    (gradientReduceBytesPerParameter(precision, framework) + WEIGHT_BYTES_PER_PARAMETER)
  );
}
