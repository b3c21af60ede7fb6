/**
 * The output of heterogeneous planning (issue #5): a plan on a cluster of mixed GPU types, as a
 * pipeline over groups (Metis / FASOP), data parallelism across groups (HAP) or a homogeneous
 * plan on one group. Declared here, apart from the search that produces it (STYLE.md §1).
 */
import type { Plan } from './types.js';

/** One pipeline stage of a heterogeneous pipeline (Metis / FASOP style). */
export interface HeteroStage {
  readonly stage: number;
  readonly group: number;
  readonly accelerator: string;
  readonly tp: number;
  readonly dp: number;
  /** Transformer layers [first, first + count). */
  readonly layers: readonly [first: number, count: number];
  readonly hasEmbedding: boolean;
  readonly hasLmHead: boolean;
  /** Global ranks [first, last] of this stage (tp fastest, then dp), in group order. */
  readonly ranks: readonly [first: number, last: number];
  /** Per micro-batch, TP collectives included, p2p excluded. */
  readonly forwardSeconds: number;
  readonly backwardSeconds: number;
  readonly peakMemoryBytes: number;
  readonly memoryCapacityBytes: number;
}

/** One group's replicas in heterogeneous data parallelism (HAP style). */
export interface HeteroReplica {
  readonly group: number;
  readonly accelerator: string;
  readonly gpus: number;
  readonly tp: number;
  readonly pp: number;
  /** Data-parallel replicas inside the group. */
  readonly dp: number;
  readonly microBatchSize: number;
  /** Sequences per step this group processes (Σ over groups = global batch). */
  readonly globalBatchShare: number;
  /** Micro-batches per replica pipeline per step. */
  readonly microBatches: number;
  /** Global ranks [first, last]. */
  readonly ranks: readonly [first: number, last: number];
  /** The group's own step time for its share, before the cross-group gradient sync. */
  readonly finishSeconds: number;
  readonly peakMemoryBytes: number;
}

export type HeteroPlanKind = 'hetero-pipeline' | 'hetero-data-parallel' | 'homogeneous';

export interface LauncherHints {
  /** Megatron --pipeline-model-parallel-layout string (pipelines only). */
  readonly megatronPipelineLayout?: string;
  /** What stock launchers cannot express for this plan, and other launch caveats. */
  readonly notes: readonly string[];
}

export interface HeteroPlan {
  readonly kind: HeteroPlanKind;
  readonly stepTimeSeconds: number;
  /** $/hour of the GPUs the plan uses; null when a used accelerator has no price. */
  readonly costUsdPerHour: number | null;
  /** stepTimeSeconds × costUsdPerHour / 3600; null when the price is unknown. */
  readonly costUsdPerStep: number | null;
  readonly tokensPerSecond: number;
  /** Model FLOPs / (step time × Σ used GPUs' 16-bit peak), in [0, 1]. */
  readonly mfu: number;
  readonly gpusUsed: number;
  /** GPUs used per group (index = group). */
  readonly gpusPerGroup: readonly number[];
  readonly microBatchSize: number;
  readonly stages?: readonly HeteroStage[];
  readonly replicas?: readonly HeteroReplica[];
  readonly launcher: LauncherHints;
  readonly homogeneousPlan?: Plan;
}
