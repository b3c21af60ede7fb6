/** Search inputs and outputs (domain types; the API maps its request onto these). */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import type { RecomputeMode, ScheduleKind, TrainingConfig, ZeroStage } from '../costmodel/index.js';
import type { Plan } from '../plan/index.js';

export type Objective = 'fastest' | 'min-gpus' | 'max-mfu';

/** Allowed values per axis; an absent axis is searched in full. A one-element list pins it. */
export interface SearchConstraints {
  readonly dp?: readonly number[];
  readonly tp?: readonly number[];
  readonly pp?: readonly number[];
  /** Context-parallel degrees (absent: 1, and for long sequences the degrees folded-axes.ts offers). */
  readonly cp?: readonly number[];
  /** Expert-parallel degrees (MoE models). */
  readonly ep?: readonly number[];
  /** Expert-tensor-parallel degrees (MoE models; absent: 1 and tp). */
  readonly etp?: readonly number[];
  readonly virtualStages?: readonly number[];
  readonly microBatchSize?: readonly number[];
  readonly sequenceParallel?: readonly boolean[];
  readonly recompute?: readonly RecomputeMode[];
  /**
   * With full recompute: layers per chunk to recompute (null = all). Absent = the planner picks
   * the fewest that fit.
   */
  readonly recomputeLayers?: readonly (number | null)[];
  readonly zeroStage?: readonly ZeroStage[];
  /** FSDP shard-group sizes (HSDP); dp itself stands for full sharding. */
  readonly dpShard?: readonly number[];
  readonly schedule?: readonly ScheduleKind[];
}

export interface PlanningProblem {
  readonly graph: ModelGraph;
  readonly cluster: ClusterProfile;
  readonly training: TrainingConfig;
  readonly constraints: SearchConstraints;
  readonly objective: Objective;
  /** Alternatives returned besides the best plan. */
  readonly topK: number;
  /** For objective 'min-gpus': the step time the plan must meet. */
  readonly stepTimeTargetSeconds: number | null;
  /** Hard cap on evaluated candidates (bounds search time deterministically). */
  readonly maxCandidates: number;
  /**
   * May the best plan leave whole nodes idle when that is faster (default true; never for
   * 'max-mfu')? False plans on exactly the given world size.
   */
  readonly allowIdleNodes?: boolean;
}

/** Why candidates were rejected, counted by reason. */
export type RejectionCounts = Record<string, number>;

export interface SearchStats {
  readonly candidates: number;
  readonly feasible: number;
  readonly rejected: RejectionCounts;
  /**
   * True when the search stopped before it could prove its answer best: maxCandidates or the
   * caller's deadline (PlannerOptions.shouldStop) left candidates unevaluated whose lower bound is
   * below the best step time.
   */
  readonly truncated: boolean;
  /**
   * Lower bound on the best step time of the whole space, seconds: the best plan's own when the
   * search is exact, else the smallest lower bound of what was left unevaluated (≤ best).
   */
  readonly lowerBoundSeconds: number;
  /** (best step time − lowerBoundSeconds) / best step time: 0 when exact. */
  readonly gapFraction: number;
  /** Nodes of the given cluster the best plan leaves idle (it was faster on fewer). */
  readonly idleNodes: number;
  /** Best step time using every given node; null when no plan fits on all of them. */
  readonly allNodesStepTimeSeconds: number | null;
}

export interface PlanResult {
  readonly best: Plan;
  readonly alternatives: readonly Plan[];
  readonly search: SearchStats;
}
