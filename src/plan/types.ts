/**
 * The Plan: the planner's output type, declared apart from the algorithms that produce it
 * (STYLE.md §1, Alpa's parallel_plan.py). `export/` reads only this.
 */
import type { CostBreakdown, Strategy, TrainingConfig } from '../costmodel/index.js';
import type { PipelineSchedule } from '../schedule/index.js';

/** One pipeline chunk and the GPUs that run it (Megatron rank order: tp fastest, then dp, then pp). */
export interface StagePlacement {
  /** Chunk index in pipeline order (0 holds the embedding). */
  readonly chunk: number;
  readonly pipelineRank: number;
  /** Transformer layers [firstLayer, firstLayer + numLayers). */
  readonly firstLayer: number;
  readonly numLayers: number;
  readonly hasEmbedding: boolean;
  readonly hasLmHead: boolean;
  /** Global ranks of this pipeline rank: a contiguous range [firstRank, lastRank]. */
  readonly firstRank: number;
  readonly lastRank: number;
}

/**
 * The pipeline schedule every rank runs, as simulated with the plan's own stage costs: the
 * schedule room's PipelineSchedule with its actions written out as text.
 */
export interface PlanSchedule extends Omit<PipelineSchedule, 'kind' | 'ranks'> {
  readonly kind: string;
  /**
   * Per pipeline rank, the ordered actions in torch.distributed.pipelining's compute-only
   * notation: "<stage><F|I|W|B><micro-batch>" (slice-level schedules number micro-batch·k + slice).
   */
  readonly ranks: readonly (readonly string[])[];
  readonly makespanSeconds: number;
  readonly bubbleFraction: number;
  readonly bubbleFractionPerRank: readonly number[];
  readonly peakInFlightMicroBatches: readonly number[];
}

export interface Plan {
  readonly strategy: Strategy;
  readonly estimate: CostBreakdown;
  readonly layout: readonly StagePlacement[];
  readonly worldSize: number;
  readonly gpusPerNode: number;
  readonly numNodes: number;
  readonly acceleratorId: string;
  readonly modelName: string;
  readonly training: TrainingConfig;
  /** Simulated pipeline schedule; null without pipelining (pp = 1). */
  readonly schedule: PlanSchedule | null;
}
