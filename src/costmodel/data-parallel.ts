/**
 * Data-parallel (and ZeRO) communication per optimizer step for one GPU's parameter shard.
 */
import type { ModelGraph } from '../graph/index.js';
import type {
  ClusterProfile,
  DeviceProfile,
  LinkProfile,
  Precision,
} from '../hardware-profiles/index.js';
import { allReduceSeconds } from './communication.js';
import { efficiencyAt } from './efficiency.js';
import type { GroupPlacement } from './groups.js';
import { groupAllGatherSeconds, groupAllReduceSeconds } from './groups.js';
import { WEIGHT_BYTES_PER_PARAMETER, gradientReduceBytesPerParameter } from './model-states.js';
import { totalParameters } from './parameters.js';
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
 * Parameters per gradient bucket: Megatron-LM's DistributedDataParallelConfig default
 * bucket_size = max(40M, 1M · dp) elements; DeepSpeed reduce_bucket_size = 5e8 elements;
 * PyTorch DDP/FSDP reduce per 25 MB bucket or per FSDP unit (one layer here).
 * @see megatron/core/distributed/distributed_data_parallel.py; DeepSpeed config docs;
 *      PyTorch DistributedDataParallel(bucket_cap_mb=25)
 */
function bucketParameters(framework: Framework, dp: number): number {
  switch (framework) {
    case 'megatron':
      return Math.max(40e6, 1e6 * dp);
    case 'deepspeed':
      return 5e8;
    case 'fsdp':
      return 25e6 / 2;
  }
}

/** Split a collective into `count` equal collectives (each pays its own latency). */
function repeated(
  count: number,
  collective: (bytes: number) => number,
  totalBytes: number,
): number {
  const n = Math.max(1, Math.ceil(count));
  return n * collective(totalBytes / n);
}

/**
 * ZeRO-0: all-reduce of the gradients (2(d−1)/d·G on a ring), in buckets.
 * ZeRO-1/2 (Megatron distributed optimizer): reduce-scatter of gradients + all-gather of the
 * 16-bit parameters, in buckets. ZeRO-3 (FSDP FULL_SHARD): per micro-batch and per FSDP unit
 * (one transformer layer) an all-gather of the 16-bit parameters for forward and again for
 * backward, and a 16-bit reduce-scatter of gradients.
 * @param fsdpUnits FSDP units (wrapped modules) on this rank: the per-unit collectives each pay
 *        the ring latency, which dominates at large DP degrees
 * @returns seconds per collective kind (not yet overlapped with compute)
 * @see Rajbhandari et al. 2020 "ZeRO" §7 (communication volume 2Ψ for P_os/P_os+g, 3Ψ for
 *      P_os+g+p); Zhao et al. 2023 "PyTorch FSDP" §3.2–3.3
 */
export function dataParallelCommSeconds(
  parametersPerGpu: number,
  group: GroupPlacement,
  zeroStage: ZeroStage,
  precision: Precision,
  framework: Framework,
  cluster: ClusterProfile,
  fsdpUnits = 1,
): DataParallelCommSeconds {
  const none = {
    gradientReduce: 0,
    parameterGather: 0,
    perMicroBatchForward: 0,
    perMicroBatchBackward: 0,
  };
  if (group.size <= 1) return none;
  const gradientBytes =
    parametersPerGpu * gradientReduceBytesPerParameter(precision, framework, zeroStage);
  const weightBytes = parametersPerGpu * WEIGHT_BYTES_PER_PARAMETER;
  const allReduce = (bytes: number): number => groupAllReduceSeconds(bytes, group, cluster);
  const allGather = (bytes: number): number => groupAllGatherSeconds(bytes, group, cluster);
  const buckets = parametersPerGpu / bucketParameters(framework, group.size);
  if (zeroStage === 0) {
    return { ...none, gradientReduce: repeated(buckets, allReduce, gradientBytes) };
  }
  if (zeroStage === 3) {
    const gather = repeated(fsdpUnits, allGather, weightBytes);
    // Gradients are reduce-scattered in the framework's reduce dtype (model-states.ts).
    const reduceScatter = repeated(fsdpUnits, allGather, gradientBytes);
    return { ...none, perMicroBatchForward: gather, perMicroBatchBackward: gather + reduceScatter };
  }
  return {
    ...none,
    gradientReduce: repeated(buckets, allGather, gradientBytes),
    parameterGather: repeated(buckets, allGather, weightBytes),
  };
}

/**
 * Adam step bytes per locally-updated parameter: read fp32 param, grad, m, v (16) and write
 * param, m, v (12) plus the 16-bit working copy (2) = 30 bytes; memory-bound.
 * @see Kingma & Ba 2015, Algorithm 1 (one read-modify-write of m, v, θ per parameter)
 */
export const ADAM_BYTES_PER_PARAMETER = 30;

/** Optimizer step time for `localParameters` updated on one GPU: bytes / (HBM bandwidth · eff). */
export function optimizerStepSeconds(localParameters: number, device: DeviceProfile): number {
  const bytes = localParameters * ADAM_BYTES_PER_PARAMETER;
  if (bytes <= 0) return 0;
  return (
    bytes / (device.memoryBandwidthBytesPerSecond * efficiencyAt(device.memoryEfficiency, bytes))
  );
}

/**
 * DP communication left on the critical path after a rank's pipeline drains. With overlap, the
 * gradient reduction hides behind the last micro-batch's backward; pipeline rank r also finishes
 * its last backward about r backward passes before rank 0 (1F1B drain order), which hides more.
 * Without overlap (2020–21 Megatron, DeepSpeed PP) both collectives follow the flush.
 * @param drainSlackSeconds idle time between this rank's last backward and the end of the flush
 * @see Narayanan et al. SC'21 §2.2 (1F1B drain); Megatron-LM --overlap-grad-reduce / --overlap-param-gather
 */
export function exposedDataParallelSeconds(
  comm: DataParallelCommSeconds,
  lastBackwardSeconds: number,
  drainSlackSeconds: number,
  overlap: boolean,
): { readonly gradientReduce: number; readonly parameterGather: number } {
  const window = overlap ? lastBackwardSeconds : 0;
  return {
    gradientReduce: Math.max(0, comm.gradientReduce - window - drainSlackSeconds),
    parameterGather: overlap ? 0 : comm.parameterGather,
  };
}

/**
 * Heterogeneous data parallelism's last step: one ring all-reduce of the whole model's gradients
 * across `numGroups` node groups over the inter-group link, after each group reduced inside
 * itself (hierarchical, HAP Zhang et al. EuroSys'24 §5; not overlapped: conservative).
 * @returns seconds
 */
export function crossGroupGradientSyncSeconds(
  graph: ModelGraph,
  precision: Precision,
  framework: Framework,
  numGroups: number,
  link: LinkProfile,
): number {
  // Heterogeneous members use Megatron's distributed optimizer (ZeRO 1) or none.
  const bytes = totalParameters(graph) * gradientReduceBytesPerParameter(precision, framework, 1);
  return allReduceSeconds(bytes, numGroups, link);
}
