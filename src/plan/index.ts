export type { Plan, PlanSchedule, StagePlacement } from './types.js';
export { stagePlacements } from './layout.js';
export { formatPipelineLayout } from './pipeline-layout.js';
export type {
  HeteroPlan,
  HeteroPlanKind,
  HeteroReplica,
  HeteroStage,
  LauncherHints,
} from './hetero-types.js';
export type { Inexpressible, TorchtitanSplitOptions } from './expressible.js';
export {
  chunkSplit,
  deepspeedLayerSplit,
  checkFrameworkBuildsModel,
  inexpressible,
  inexpressibleReason,
  memoisedDeepspeedSplit,
  partitionBalanced,
  recomputesLayerSubset,
  torchtitanLayerSplit,
  torchtitanSplitOptions,
  torchtitanStageSplit,
} from './expressible.js';
