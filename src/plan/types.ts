/**
 * The Plan: the planner's output type, declared apart from the algorithms that produce it
 * (STYLE.md §1, Alpa's parallel_plan.py). `export/` reads only this.
 */
import type { CostBreakdown } from '../costmodel/types.js';
import type { Strategy, TrainingConfig } from '../costmodel/strategy.js';

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
}
