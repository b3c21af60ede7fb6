/** Intra-operator sharding search and the operator-graph planner (issue #4). */
export {
  planOperatorGraph,
  candidateSubmeshes,
  GraphPlanningError,
  MAX_LAYERS,
} from './plan-graph.js';
export { groupLayers, layerBounds } from './layers.js';
export type { RangeCounts } from './stage-costs.js';
export type {
  PlanGraphOptions,
  OperatorGraphPlan,
  PlannedOp,
  PlannedTensor,
} from './plan-graph.js';
export { solveIntraOp, solveIntraOpProblem } from './solve-intra-op.js';
export type {
  IntraOpOptions,
  IntraOpPlan,
  IntraOpChoice,
  IntraOpSolution,
} from './solve-intra-op.js';
export { buildIntraOpProblem, MeshTables } from './problem.js';
export type { IntraOpProblem } from './problem.js';
export { enumerateStrategies } from './strategies.js';
export { temporalStrategies } from './temporal.js';
export { reshardSeconds, reshardOneWaySeconds } from './resharding.js';
export { formatLayout, layoutShards, allReduceOverAxes } from './layout.js';
export type { Layout, AxisMask, MeshShape, MeshLinks } from './layout.js';
export type { IntraOpContext, Strategy } from './types.js';
