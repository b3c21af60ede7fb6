/** search/hetero: heterogeneous-cluster planning (issue #5). The door of the room. */
export type {
  HeteroObjective,
  HeteroProblem,
  HeteroResult,
  HeteroSearchStats,
  PriceTable,
} from './types.js';
export { planHeterogeneous, objectiveValue, comparePlans } from './plan.js';
export { batchSplitModel, proportionalShares, roundShares, solveBatchSplit } from './batch-lp.js';
export type { BatchSplit, ReplicaTiming } from './batch-lp.js';
export { partitionLayers } from './layer-partition.js';
export type { Partition, PartitionStage } from './layer-partition.js';
export { chooseFrontierPoint, selectClusterUnderBudget, paretoFrontier } from './budget.js';
export type {
  BudgetProblem,
  BudgetResult,
  Inventory,
  InventoryItem,
  ParetoPoint,
} from './budget.js';
export {
  minBottleneckSeconds,
  partialPipelineLowerBound,
  pipelineStepLowerBound,
} from './pipeline-bound.js';
export type { StageRun } from './pipeline-bound.js';
export { generatePipelineCandidates, pipelineGroupOrder } from './pipeline-search.js';
export { evaluatePipeline } from './pipeline.js';
