/**
 * Data-parallel (and ZeRO) communication per optimizer step for one GPU's parameter shard.
 */
import type { ClusterProfile, Precision } from '../hardware-profiles/types.js';
import type { GroupPlacement } from './groups.js';
import { groupAllGatherSeconds, groupAllReduceSeconds } from './groups.js';
import { WEIGHT_BYTES_PER_PARAMETER, gradientReduceBytesPerParameter } from './memory.js';
import type { Framework, ZeroStage } from './strategy.js';

export interface DataParallelCommSeconds {
  /** Gradient all-reduce (ZeRO-0) or reduce-scatter (ZeRO-1/2), once per step. */
  readonly gradientReduce: number;
  /** Parameter all-gather after the sharded optimizer step (ZeRO-1/2), once per step. */
  readonly parameterGather: number;
  /** ZeRO-3 only: forward all-gather, backward all-gather and gradient reduce-scatter, per micro-batch. */
  readonly perMicroBatchForward: number;
  readonly perMicroBatchBackward: number;
}

/**
 * ZeRO-0: all-reduce of the gradients (2(d−1)/d·G on a ring).
 * ZeRO-1/2 (Megatron distributed optimizer): reduce-scatter of gradients + all-gather of the
 * 16-bit parameters. ZeRO-3 (FSDP FULL_SHARD): per micro-batch an all-gather of the 16-bit
 * parameters for forward and again for backward, and a 16-bit reduce-scatter of gradients.
 * @returns seconds per collective kind (not yet overlapped with compute)
 * @see Rajbhandari et al. 2020 "ZeRO" §7 (communication volume 2Ψ for P_os/P_os+g, 3Ψ for
 *      P_os+g+p); Zhao et al. 2023 "PyTorch FSDP" §3.2
 */
export function dataParallelCommSeconds(
  parametersPerGpu: number,
  group: GroupPlacement,
  zeroStage: ZeroStage,
  precision: Precision,
  framework: Framework,
  cluster: ClusterProfile,
): DataParallelCommSeconds {
  const none = { gradientReduce: 0, parameterGather: 0, perMicroBatchForward: 0, perMicroBatchBackward: 0 };
  if (group.size <= 1) return none;
  const gradientBytes = parametersPerGpu * gradientReduceBytesPerParameter(precision, framework);
  const weightBytes = parametersPerGpu * WEIGHT_BYTES_PER_PARAMETER;
  if (zeroStage === 0) {
    return { ...none, gradientReduce: groupAllReduceSeconds(gradientBytes, group, cluster) };
  }
  if (zeroStage === 3) {
    const gather = groupAllGatherSeconds(weightBytes, group, cluster);
    // FSDP reduces gradients in the 16-bit compute dtype (MixedPrecision.reduce_dtype).
    const reduceScatter = groupAllGatherSeconds(weightBytes, group, cluster);
    return { ...none, perMicroBatchForward: gather, perMicroBatchBackward: gather + reduceScatter };
  }
  return {
    ...none,
    gradientReduce: groupAllGatherSeconds(gradientBytes, group, cluster),
    parameterGather: groupAllGatherSeconds(weightBytes, group, cluster),
  };
}
