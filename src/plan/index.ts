export type { Plan, PlanSchedule, StagePlacement } from './types.js';
export { stagePlacements } from './layout.js';
export { formatPipelineLayout } from './pipeline-layout.js';
