/**
 * Heterogeneous planning inputs and search stats (issue #5); the HeteroPlan output lives in plan/,
 * apart from the algorithms that produce it (STYLE.md §1).
 *
 * Vocabulary: a *group* is one homogeneous node group of a HeterogeneousCluster (index into
 * cluster.groups); a *stage* is one pipeline stage placed on one group; a *replica* is one
 * data-parallel model copy set placed on one group (a homogeneous strategy inside that group).
 */
import type { TrainingConfig } from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { HeterogeneousCluster } from '../../hardware-profiles/index.js';
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

export interface HeteroSearchStats {
  readonly candidates: number;
  readonly feasible: number;
  readonly rejected: RejectionCounts;
  /** Candidates skipped by the lower bound (never evaluated). */
  readonly pruned: number;
  /**
   * True when a cap (maxCandidates, the generation cap, a baseline's v1 cap) stopped the search
   * with candidates left whose bound is below the best plan's objective (anytime answer).
   */
  readonly truncated: boolean;
  /**
   * Lower bound on the best plan's step time over the whole space: the best plan's own when
   * exact. For 'cheapest' the bound is on $ per step and this is the best plan's step time scaled
   * by (1 − gapFraction).
   */
  readonly lowerBoundSeconds: number;
  /** (best objective − its lower bound) / best objective: 0 when exact. */
  readonly gapFraction: number;
}

import type { HeteroPlan } from '../../plan/index.js';

export interface HeteroResult {
  readonly best: HeteroPlan;
  readonly alternatives: readonly HeteroPlan[];
  readonly search: HeteroSearchStats;
}
