/** search: strategy spaces and solvers. The door of the room. */
export type {
  Objective,
  PlanResult,
  PlanningProblem,
  RejectionCounts,
  SearchConstraints,
  SearchStats,
} from './types.js';
export { defaultSchedules, planTraining } from './plan.js';
export * from './hetero/index.js';
export type { PlannerOptions } from './plan.js';
export { enumerateStrategies, divisors } from './enumerate.js';
export { evaluateCandidate, strategyKey } from './evaluate.js';
export { balancedLayerSplit } from './layer-split.js';
