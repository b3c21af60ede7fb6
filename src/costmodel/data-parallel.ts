/**
 * Data-parallel (and ZeRO / FSDP) communication of one GPU's parameter shard: what each framework
 * issues per step and per micro-batch, and what is left on the critical path after the drain.
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
import type { Framework, TrainingConfig, ZeroStage } from './strategy.js';
import { DEEPSPEED_BUCKET_ELEMENTS, DEEPSPEED_PREFETCH_ELEMENTS } from './working-memory.js';

/**
 * The data-parallel collectives of one pipeline rank, as its framework issues them, in seconds
 * before any overlap. Once per step: the gradient reduction after the last backward and the
 * updated-parameter gather after the optimizer step. Per micro-batch and per unit (one layer, the
 * embedding, the head): the sharded stages' parameter gathers and gradient reduce-scatters.
 */
export interface DataParallelCommSeconds {
  /** Gradient all-reduce / reduce-scatter once per step, all buckets. */
  readonly stepReduceSeconds: number;
  /** Its last bucket, launched when the last gradients are ready: never hidden. */
  readonly lastBucketReduceSeconds: number;
  /** Whether the step reduction may overlap the last backward (framework and switch). */
  readonly reduceOverlaps: boolean;
  /** Updated 16-bit parameters all-gathered once per step (ZeRO-1/2), all buckets. */
  readonly stepGatherSeconds: number;
  /** Its first bucket, needed before the next forward can start. */
  readonly firstBucketGatherSeconds: number;
  /** Whether the step gather runs in the next forward (Megatron --overlap-param-gather). */
  readonly gatherOverlaps: boolean;
  /** Units one micro-batch walks through. */
  readonly units: number;
  /** Per unit and micro-batch: forward gather, backward gather, backward reduce-scatter. */
  readonly unitForwardGatherSeconds: number;
  readonly unitBackwardGatherSeconds: number;
  readonly unitBackwardReduceSeconds: number;
  /** Share of the next unit's gather that is prefetched. */
  readonly prefetchFraction: number;
}

const NO_COMM: DataParallelCommSeconds = {
  stepReduceSeconds: 0,
  lastBucketReduceSeconds: 0,
  reduceOverlaps: false,
  stepGatherSeconds: 0,
  firstBucketGatherSeconds: 0,
  gatherOverlaps: false,
  units: 1,
  unitForwardGatherSeconds: 0,
  unitBackwardGatherSeconds: 0,
  unitBackwardReduceSeconds: 0,
  prefetchFraction: 1,
};

/**
 * Parameters per gradient bucket: Megatron-LM's DistributedDataParallelConfig default
 * bucket_size = max(40M, 1M · dp) elements; DeepSpeed reduce_bucket_size = 5e8 elements;
 * PyTorch DDP 25 MB buckets (bucket_cap_mb=25) of fp32 gradients.
 * @see megatron/core/distributed/distributed_data_parallel.py:L133-137; DeepSpeed zero/config.py:L113;
 *      PyTorch DistributedDataParallel(bucket_cap_mb=25)
 */
function bucketParameters(framework: Framework, dp: number): number {
  switch (framework) {
    case 'megatron':
      return Math.max(40e6, 1e6 * dp);
    case 'deepspeed':
      return DEEPSPEED_BUCKET_ELEMENTS;
    case 'fsdp':
      return 25e6 / 4;
  }
}

/** A collective split into equal buckets, each paying its latency; total and one bucket. */
function bucketed(
  parameters: number,
  bucketSize: number,
  bytesPerParameter: number,
  collective: (bytes: number) => number,
): { readonly total: number; readonly one: number } {
  const n = Math.max(1, Math.ceil(parameters / bucketSize));
  const one = collective((parameters * bytesPerParameter) / n);
  return { total: n * one, one };
}

export interface DataParallelInputs {
  readonly parametersPerGpu: number;
  /** The ranks one shard spans: all of DP, or HSDP's shard group. */
  readonly group: GroupPlacement;
  /** HSDP's replicate group (size dp / dpShard); absent or size 1 without hybrid sharding. */
  readonly replicaGroup?: GroupPlacement;
  readonly zeroStage: ZeroStage;
  /** Pipeline parallel degree (DeepSpeed's pipeline engine never overlaps its reduction). */
  readonly pp: number;
  readonly training: TrainingConfig;
  readonly cluster: ClusterProfile;
  /** FSDP / ZeRO-3 units (layers + embedding + head) on this rank. */
  readonly units: number;
  /** Parameters of one such unit (the largest: a transformer layer's TP share). */
  readonly unitParameters: number;
}

/**
 * Which collectives each framework issues (volumes per rank in bytes, then ring / hierarchical
 * times from groups.ts):
 *  ZeRO-0: gradient all-reduce once per step (no_sync on the other micro-batches), in buckets;
 *    DeepSpeed all-reduces after the boundary without overlap (engine.py:L2906-2913).
 *  ZeRO-1, Megatron distributed optimizer: fp32 reduce-scatter + bf16 all-gather once per step
 *    (dist_optimizer.md:L38-44); DeepSpeed BF16_Optimizer: all-reduce of the full fp32 buffer, then
 *    all-gather of the bf16 flat (bf16_optimizer.py:L454-460); fp16: stage-1 reduce-scatter.
 *  ZeRO-2: DeepSpeed reduce-scatters every micro-batch's gradients into their partitions (IPG
 *    buckets) and gathers the parameters after the step; FSDP SHARD_GRAD_OP gathers each unit's
 *    parameters for every forward and reduce-scatters every backward.
 *  ZeRO-3 / FULL_SHARD: per micro-batch and unit, gather in forward, again in backward (resharded
 *    after forward), reduce-scatter gradients (ZeRO §7.2.2: 3Ψ per step vs DP's 2Ψ).
 * @see Rajbhandari et al. 2020 "ZeRO" §7; Zhao et al. 2023 "PyTorch FSDP" §3;
 *      shared/context/framework_memory.md §5
 */
export function dataParallelCommSeconds(x: DataParallelInputs): DataParallelCommSeconds {
  const { group, cluster, training } = x;
  if (group.size <= 1) return NO_COMM;
  const { framework, precision } = training;
  const reduceBytes = gradientReduceBytesPerParameter(
    precision,
    framework,
    x.zeroStage,
    training.gradientReduceInFp32 ?? true,
  );
  const allReduce = (bytes: number): number => groupAllReduceSeconds(bytes, group, cluster);
  const allGather = (bytes: number): number => groupAllGatherSeconds(bytes, group, cluster);
  const bucket = bucketParameters(framework, group.size);
  const psi = x.parametersPerGpu;
  const units = Math.max(1, x.units);
  const perUnit = (bytesPerParameter: number): number =>
    allGather((psi * bytesPerParameter) / units);
  const overlaps = training.overlapGradientReduce && !(framework === 'deepspeed' && x.pp > 1);
  if (
    x.zeroStage === 0 ||
    (x.zeroStage === 1 && framework === 'deepspeed' && precision !== 'fp16')
  ) {
    const reduce = bucketed(psi, bucket, reduceBytes, allReduce);
    const gather =
      x.zeroStage === 1
        ? bucketed(psi, bucket, WEIGHT_BYTES_PER_PARAMETER, allGather)
        : { total: 0, one: 0 };
    return {
      ...NO_COMM,
      stepReduceSeconds: reduce.total,
      lastBucketReduceSeconds: reduce.one,
      reduceOverlaps: overlaps && framework !== 'deepspeed',
      stepGatherSeconds: gather.total,
      firstBucketGatherSeconds: gather.one,
    };
  }
  if (x.zeroStage === 1) {
    const reduce = bucketed(psi, bucket, reduceBytes, allGather);
    const gather = bucketed(psi, bucket, WEIGHT_BYTES_PER_PARAMETER, allGather);
    return {
      ...NO_COMM,
      stepReduceSeconds: reduce.total,
      lastBucketReduceSeconds: reduce.one,
      reduceOverlaps: overlaps,
      stepGatherSeconds: gather.total,
      firstBucketGatherSeconds: gather.one,
      gatherOverlaps: framework === 'megatron' && training.overlapParameterGather && overlaps,
    };
  }
  const prefetch = !training.prefetchParameters
    ? 0
    : framework === 'deepspeed'
      ? Math.min(1, DEEPSPEED_PREFETCH_ELEMENTS / Math.max(1, x.unitParameters))
      : 1;
  const sharded = { ...NO_COMM, units, prefetchFraction: prefetch };
  if (x.zeroStage === 2 && framework === 'deepspeed') {
    const gather = bucketed(psi, bucket, WEIGHT_BYTES_PER_PARAMETER, allGather);
    return {
      ...sharded,
      unitBackwardReduceSeconds: perUnit(reduceBytes),
      stepGatherSeconds: gather.total,
      firstBucketGatherSeconds: gather.one,
    };
  }
  return {
    ...sharded,
    unitForwardGatherSeconds: perUnit(WEIGHT_BYTES_PER_PARAMETER),
    unitBackwardGatherSeconds: x.zeroStage === 3 ? perUnit(WEIGHT_BYTES_PER_PARAMETER) : 0,
    unitBackwardReduceSeconds: perUnit(reduceBytes) + replicaReduceSeconds(x, reduceBytes, units),
  };
}

/**
 * HSDP: after the reduce-scatter inside the shard group, each rank all-reduces its gradient
 * shard (1/group.size of the unit) with the same shard of every replica (FSDP2 reduces per
 * backward, like the reduce-scatter; 0 without hybrid sharding).
 * @see Zhao et al. 2023 "PyTorch FSDP" §3.2.2 (hybrid sharding: reduce-scatter, then all-reduce)
 */
function replicaReduceSeconds(x: DataParallelInputs, reduceBytes: number, units: number): number {
  const replicas = x.replicaGroup;
  if (replicas === undefined || replicas.size <= 1) return 0;
  const shardBytes = (x.parametersPerGpu * reduceBytes) / units / x.group.size;
  return groupAllReduceSeconds(shardBytes, replicas, x.cluster);
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

/** DP communication left after a rank's pipeline drains, and what overlap hid. */
export interface ExposedDataParallelSeconds {
  readonly gradientReduce: number;
  readonly parameterGather: number;
  readonly hidden: number;
}

/**
 * DP communication left on the critical path after a rank's pipeline drains. An overlapping
 * reduction hides behind the last micro-batch's backward and the idle drain of pipeline rank r
 * (it finishes r backward passes before rank 0, 1F1B drain order) — all but its last bucket;
 * with --overlap-param-gather the parameter gather runs in the next forward but for its first
 * bucket. Hidden communication pays the contention of overlapped work (overlap.ts).
 * @param windowSeconds the last backward plus this rank's drain slack
 * @see Narayanan et al. SC'21 §2.2 (1F1B drain); NeMo communication_overlap ("exposes only one
 *      DP communication chunk"); MLM distributed_data_parallel.py:L575-584
 */
export function exposedDataParallelSeconds(
  comm: DataParallelCommSeconds,
  windowSeconds: number,
  interferenceFraction: number,
): ExposedDataParallelSeconds {
  const hideable = comm.reduceOverlaps
    ? Math.min(Math.max(0, comm.stepReduceSeconds - comm.lastBucketReduceSeconds), windowSeconds)
    : 0;
  const hiddenGather = comm.gatherOverlaps
    ? Math.max(0, comm.stepGatherSeconds - comm.firstBucketGatherSeconds)
    : 0;
  return {
    gradientReduce: comm.stepReduceSeconds - hideable + interferenceFraction * hideable,
    parameterGather: comm.stepGatherSeconds - hiddenGather + interferenceFraction * hiddenGather,
    hidden: hideable + hiddenGather,
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
