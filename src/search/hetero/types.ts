/**
 * Heterogeneous planning: inputs and the HeteroPlan output (issue #5), declared apart from the
 * algorithms that produce them (STYLE.md §1).
 *
 * Vocabulary: a *group* is one homogeneous node group of a HeterogeneousCluster (index into
 * cluster.groups); a *stage* is one pipeline stage placed on one group; a *replica* is one
 * data-parallel model copy set placed on one group (a homogeneous strategy inside that group).
 */
import type { TrainingConfig } from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { HeterogeneousCluster } from '../../hardware-profiles/index.js';
import type { Plan } from '../../plan/index.js';
import type { RejectionCounts } from '../types.js';

export type HeteroObjective = 'fastest' | 'cheapest';

/** $/GPU-hour by accelerator id; overrides DeviceProfile.priceUsdPerGpuHour. */
export type PriceTable = Readonly<Record<string, number>>;

export interface HeteroProblem {
  readonly graph: ModelGraph;
  readonly cluster: HeterogeneousCluster;
  readonly training: TrainingConfig;
  readonly objective: HeteroObjective;
  readonly prices?: PriceTable;
  /** Cap on evaluated heterogeneous candidates (deterministic bound on search time). */
  readonly maxCandidates?: number;
  /** Alternatives returned besides the best plan (default 3). */
  readonly topK?: number;
}

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

export interface HeteroSearchStats {
  readonly candidates: number;
  readonly feasible: number;
  readonly rejected: RejectionCounts;
  /** Candidates skipped by the lower bound (never evaluated). */
  readonly pruned: number;
}

export interface HeteroResult {
  readonly best: HeteroPlan;
  readonly alternatives: readonly HeteroPlan[];
  readonly search: HeteroSearchStats;
}
