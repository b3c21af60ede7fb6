export type { Plan, StagePlacement } from './types.js';
export { stagePlacements } from './layout.js';
