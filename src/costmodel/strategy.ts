/**
 * Strategy: how the model is trained (STYLE.md §1). One vocabulary (STYLE.md §6):
 *  - axis: a parallel mesh axis, one of ParallelAxis; degree: the size of that axis.
 *  - dp data, tp tensor (Megatron intra-layer), pp pipeline, cp context (sequence split of
 *    attention), ep expert. Short names in the core; the API uses long names
 *    (tensorParallel, ...) and src/service maps between them in one place.
 */
import type {
  Framework,
  Precision,
  RecomputeMode,
  RecomputeModule,
  ScheduleKind,
  ZeroStage,
} from '../model-spec/index.js';

export type { Framework, RecomputeMode, RecomputeModule, ScheduleKind, ZeroStage };
export { SCHEDULE_KINDS } from '../model-spec/index.js';

export { RECOMPUTE_MODULES } from '../model-spec/index.js';
/** Megatron's default recompute_modules when granularity is selective. */
export const DEFAULT_RECOMPUTE_MODULES: readonly RecomputeModule[] = ['core_attn'];

export type ParallelAxis = 'dp' | 'tp' | 'pp' | 'cp' | 'ep' | 'etp';

/**
 * How the ranks of a context-parallel group exchange keys and values (Megatron --cp-comm-type,
 * TransformerConfig.cp_comm_type docstring): 'p2p' rings K/V chunks overlapped with attention;
 * 'all-gather' gathers the whole K/V first (not overlapped; cheap with GQA); 'a2a' is
 * DeepSpeed-Ulysses (scatter heads, gather the sequence; heads / tp must be divisible by cp).
 */
export const CONTEXT_PARALLEL_COMMS = ['p2p', 'all-gather', 'a2a'] as const;
export type ContextParallelComm = (typeof CONTEXT_PARALLEL_COMMS)[number];

export interface Strategy {
  readonly dp: number;
  readonly tp: number;
  readonly pp: number;
  /** Context parallel degree (1 = off). */
  readonly cp: number;
  /** Model chunks per pipeline rank: v for interleaved 1F1B, 2 for zb-v (V-shape), else 1. */
  readonly virtualStages: number;
  /** Sequence slices per micro-batch for seq-slice-1f1b (MEPipe / TeraPipe); 1 otherwise. */
  readonly sequenceSlices: number;
  /** Megatron sequence parallelism (Korthikanti 2022 §4.2.2); requires tp > 1 to matter. */
  readonly sequenceParallel: boolean;
  readonly microBatchSize: number;
  /** Micro-batches per pipeline per step (gradient accumulation steps). */
  readonly numMicroBatches: number;
  readonly recompute: RecomputeMode;
  /**
   * With recompute = 'full': how many layers per pipeline stage are recomputed
   * (Megatron --recompute-method block --recompute-num-layers); null = all of them.
   */
  readonly recomputeLayers: number | null;
  /**
   * With recompute = 'selective': the submodules recomputed (Megatron --recompute-modules);
   * absent = ['core_attn'] (Korthikanti 2022 §5 selective recompute).
   */
  readonly recomputeModules?: readonly RecomputeModule[];
  /** 0 none, 1 optimizer states, 2 + gradients, 3 + parameters (ZeRO, Rajbhandari 2020). */
  readonly zeroStage: ZeroStage;
  /**
   * FSDP hybrid sharding (HSDP): parameters, gradients and optimizer states are sharded over
   * groups of this many data-parallel ranks (consecutive in DP order, so inside a node when they
   * fit) and replicated across the dp / dpShard groups; absent = sharded over all of dp.
   * torchtitan data_parallel_shard_degree (Zhao et al. 2023 "PyTorch FSDP" §3.2.2).
   */
  readonly dpShard?: number;
  readonly schedule: ScheduleKind;
  /**
   * Transformer layers per pipeline chunk, in pipeline order (length pp * virtualStages);
   * null = even split. Uneven splits lighten the first/last stage for embedding / LM head.
   */
  readonly layersPerStage: readonly number[] | null;
  /**
   * Expert-parallel degree (MoE only): each MoE layer's routed experts are split over ep ranks
   * and tokens reach them by all-to-all. Absent = 1.
   */
  readonly ep?: number;
  /** Expert-tensor-parallel degree: each routed expert's FFN split over etp ranks. Absent = 1. */
  readonly etp?: number;
  /** K/V exchange of context parallelism when cp > 1. Absent = 'p2p'. */
  readonly cpComm?: ContextParallelComm;
}

/**
 * The expert layout of a strategy under MoE parallel folding (Megatron-Core, Liu et al. 2025,
 * arXiv 2504.14960 §3; parallel_state.initialize_model_parallel): inside one pipeline stage the
 * attention grid tp × cp × dp and the expert grid etp × ep × edp cover the same GPUs, so
 * edp = tp·cp·dp / (etp·ep) (validateStrategy checks that it is a whole number).
 */
export interface ExpertDegrees {
  readonly ep: number;
  readonly etp: number;
  readonly edp: number;
}

export function expertDegrees(s: Strategy): ExpertDegrees {
  const ep = s.ep ?? 1;
  const etp = s.etp ?? 1;
  return { ep, etp, edp: (s.tp * s.cp * s.dp) / (ep * etp) };
}

/**
 * The training framework whose runtime behaviour the estimate assumes. The planner emits launch
 * configs for each; they differ in gradient buffers, pipeline send/recv and reduction dtype.
 *  - megatron: Megatron-LM / Megatron-Core (fp32 main grads, scatter/gather p2p, batched send/recv)
 *  - deepspeed: DeepSpeed (BF16_Optimizer keeps bf16 .grad + fp32 accumulation; PipelineEngine
 *    sends whole activations with blocking, sequential send/recv)
 *  - fsdp: PyTorch FSDP / torchtitan (16-bit gradient reduction, torch.distributed.pipelining)
 */

/** Dtype FSDP keeps its sharded (resident) parameters in: torch.optim moments follow it. */
export type FsdpParameterDtype = 'fp32' | 'bf16';

/** What the user wants trained per optimizer step. */
export interface TrainingConfig {
  /** Sequences per optimizer step. */
  readonly globalBatchSize: number;
  readonly sequenceLength: number;
  readonly precision: Precision;
  /** Fused (flash) attention: no s×s score/softmax tensors stored (Dao et al. 2022). */
  readonly flashAttention: boolean;
  /** Dropout layers present (GPT-3/Megatron style); adds 1-byte masks (Korthikanti 2022 §4.1). */
  readonly dropout: boolean;
  /**
   * Data-parallel gradient reduction overlaps the last backward (Megatron --overlap-grad-reduce,
   * PyTorch DDP/FSDP bucketing). Off reproduces 2020–2021 Megatron, which reduced after the flush.
   */
  readonly overlapGradientReduce: boolean;
  /**
   * The distributed optimizer's parameter all-gather runs bucket by bucket in the next forward
   * (Megatron --overlap-param-gather, requires --overlap-grad-reduce; arguments.py:L1029).
   */
  readonly overlapParameterGather: boolean;
  /**
   * Tensor-parallel collectives overlapped with their GEMMs by Transformer Engine userbuffers
   * (Megatron --tp-comm-overlap; needs tp > 1 and sequence parallelism, TE base.py initialize_ub).
   */
  readonly overlapTensorParallelComm: boolean;
  /**
   * Pipeline send/recv posted asynchronously and waited on just before use (Megatron
   * --overlap-p2p-communication, model_parallel_config.py:L385-429); DeepSpeed's PipelineEngine
   * sends blocking (pipe/engine.py), so it never overlaps.
   */
  readonly overlapPipelineP2p: boolean;
  /**
   * FSDP / ZeRO-3 fetch the next unit's parameters while the current one computes (FSDP2
   * implicit forward and explicit backward prefetch; DeepSpeed stage3_prefetch_bucket_size).
   */
  readonly prefetchParameters: boolean;
  /** Fraction of HBM a plan must leave free (fragmentation spikes, estimate error). */
  readonly memoryHeadroomFraction: number;
  readonly framework: Framework;
  /** How MoE tokens are routed and dispatched; absent = moeTrainingDefaults(). */
  readonly moe?: MoeTrainingConfig;
  /**
   * Megatron keeps its main-grad buffer, and reduces it, in fp32 (DDP grad_reduce_in_fp32; absent
   * = true: Megatron-LM arguments.py turns on --accumulate-allreduce-grads-in-fp32 for bf16).
   * false = gradients in the 16-bit parameter dtype, as Megatron-Bridge's MoE performance recipes
   * set (scripts/performance set_*_common_configs: cfg.ddp.grad_reduce_in_fp32 = False).
   * Other frameworks ignore it.
   */
  readonly gradientReduceInFp32?: boolean;
  /**
   * framework 'fsdp': the dtype of the sharded (resident) parameters; torch.optim Adam keeps its
   * moments in it and FSDP2 casts the fp32-reduced gradient back to it. Absent = 'fp32'
   * (torchtitan: training.dtype float32, 16 B/param); 'bf16' = 8 B/param, what NeMo AutoModel
   * runs when model.torch_dtype is left unset (model-states.ts). Other frameworks ignore it.
   */
  readonly fsdpParameterDtype?: FsdpParameterDtype;
}

/**
 * Token dispatchers (Megatron --moe-token-dispatcher-type; flex with DeepEP / HybridEP
 * backends): 'alltoall' sends each token once per selected expert (NCCL all-to-all); 'deepep' and
 * 'hybridep' send it once per destination GPU / node and fan out over NVLink; 'allgather'
 * gathers every token of the EP group.
 */
export const MOE_DISPATCHERS = ['alltoall', 'deepep', 'hybridep', 'allgather'] as const;
export type MoeDispatcher = (typeof MOE_DISPATCHERS)[number];

/**
 * Routing regimes: 'forced-balance' (--moe-router-force-load-balancing, what most published
 * benchmarks use), 'dropless' (a real router, no token dropped: the busiest EP rank sets the
 * pace), 'capacity' (token dropping at --moe-expert-capacity-factor, padded to capacity).
 */
export const MOE_ROUTINGS = ['forced-balance', 'dropless', 'capacity'] as const;
export type MoeRouting = (typeof MOE_ROUTINGS)[number];

export interface MoeTrainingConfig {
  readonly dispatcher: MoeDispatcher;
  readonly routing: MoeRouting;
  /** Expert capacity as a multiple of the balanced load (routing 'capacity'). */
  readonly capacityFactor: number;
  /** Tokens received by the busiest EP rank over the mean, under 'dropless' routing. */
  readonly imbalanceFactor: number;
  /**
   * Dispatch / combine overlapped with another micro-batch's compute (Megatron
   * --overlap-moe-expert-parallel-comm, merged 1F1B; DeepSeek-V3 DualPipe).
   */
  readonly overlapAllToAll: boolean;
}

/**
 * Max/mean tokens per EP rank of a real (dropless) router, one global value, applied to the
 * routed-expert GEMMs and the dispatch volume of the busiest rank. The measured same-layout
 * forced/dropless pair of a coarse-grained MoE (Mixtral 8x22B on 128 H100, EP8: 465 → 445 TFLOPS,
 * the step 4.5% longer; shared/context/moe_longctx.md §B2) puts the expert part, about half of
 * that step, about 1.1× slower; the fine-grained Qwen3-235B pairs (8–20% at 16K–128K) sit higher,
 * so users of such routers should raise it.
 */
export const DEFAULT_MOE_IMBALANCE_FACTOR = 1.1;

/** Megatron's defaults: alltoall dispatcher, dropless real router, no EP overlap. */
export function moeTrainingDefaults(): MoeTrainingConfig {
  return {
    dispatcher: 'alltoall',
    routing: 'dropless',
    capacityFactor: 1,
    imbalanceFactor: DEFAULT_MOE_IMBALANCE_FACTOR,
    overlapAllToAll: false,
  };
}

/** Load of the busiest EP rank relative to a balanced one under the training's routing. */
export function expertLoadFactor(moe: MoeTrainingConfig): number {
  switch (moe.routing) {
    case 'forced-balance':
      return 1;
    case 'dropless':
      return moe.imbalanceFactor;
    case 'capacity':
      // Padded to capacity: every expert computes exactly capacityFactor × the balanced load.
      return moe.capacityFactor;
  }
}

/** The framework defaults of the overlap switches and the memory headroom (README documents them). */
export function trainingDefaults(
  framework: Framework,
): Omit<
  TrainingConfig,
  'globalBatchSize' | 'sequenceLength' | 'precision' | 'flashAttention' | 'dropout' | 'framework'
> {
  return {
    overlapGradientReduce: true,
    // Megatron-Core recipes (NeMo / Megatron-Bridge) turn it on with the distributed optimizer;
    // DeepSpeed all-gathers the updated 16-bit parameters after the step (bf16_optimizer.py).
    overlapParameterGather: framework === 'megatron',
    // Off in Megatron-LM's arguments (--tp-comm-overlap is opt-in).
    overlapTensorParallelComm: false,
    overlapPipelineP2p: framework !== 'deepspeed',
    prefetchParameters: true,
    memoryHeadroomFraction: DEFAULT_MEMORY_HEADROOM_FRACTION,
  };
}

/** Default share of HBM kept free: 5% (about 4 GiB of an 80 GiB GPU). */
export const DEFAULT_MEMORY_HEADROOM_FRACTION = 0.05;

/** Non-data-parallel degree: GPUs that jointly hold one model replica. */
export function modelParallelSize(s: Strategy): number {
  return s.tp * s.pp * s.cp;
}

/** Ranks one parameter shard spans: dpShard under HSDP, all of dp for ZeRO ≥ 1, else 1. */
export function shardDegree(s: Strategy): number {
  return s.zeroStage >= 1 ? (s.dpShard ?? s.dp) : 1;
}

export function strategyWorldSize(s: Strategy): number {
  return s.dp * modelParallelSize(s);
}
