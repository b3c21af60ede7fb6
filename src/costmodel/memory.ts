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
import type { Precision } from '../hardware-profiles/types.js';
import type { ZeroStage } from './strategy.js';

/** 16-bit model weights used by forward/backward (fp8 training keeps bf16 weights too). */
export const WEIGHT_BYTES_PER_PARAMETER = 2;
/** fp32 master copy + Adam first and second moments (ZeRO §3.1, K = 12). */
export const OPTIMIZER_BYTES_PER_PARAMETER = 12;

/** Main-gradient bytes: fp32 accumulation for bf16 (Megatron forces it), 16-bit for fp16. */
export function gradientBytesPerParameter(precision: Precision): number {
  return precision === 'fp16' ? 2 : 4;
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
): ModelStateBytes {
  const weights = (parameters * WEIGHT_BYTES_PER_PARAMETER) / (zeroStage >= 3 ? dp : 1);
  const gradients = (parameters * gradientBytesPerParameter(precision)) / (zeroStage >= 2 ? dp : 1);
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
  return gatheredLayers * layerParametersPerTensorRank * WEIGHT_BYTES_PER_PARAMETER +
    layerParametersPerTensorRank * WEIGHT_BYTES_PER_PARAMETER;
}

/**
 * Memory not accounted for by tensors: CUDA context and kernels (~0.5–1 GiB), NCCL
 * communicator buffers, and caching-allocator fragmentation. We reserve a fixed amount plus a
 * fraction of the tensor bytes.
 * @see PyTorch "CUDA semantics: memory management" (caching allocator reserves more than it
 *      allocates); NCCL docs NCCL_BUFFSIZE (4 MiB per channel per peer)
 */
export const RUNTIME_RESERVE_BYTES = 2 * 2 ** 30;
export const ALLOCATOR_FRAGMENTATION_FRACTION = 0.05;
