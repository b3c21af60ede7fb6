/** studies: what-if sweeps over models and clusters — time-to-train, cost, energy, Pareto. */
export type { StudySpec, Scenario, TrainingDefaults } from './spec.js';
export {
  StudySpec as StudySpecSchema,
  SCENARIO_CAP,
  expandStudy,
  parseStudySpec,
  scenarioCount,
} from './spec.js';
export { StudyInputError } from './errors.js';
export type { StudyInputReason } from './errors.js';
export type { ScenarioResult, ScenarioLabel, ScenarioError } from './result.js';
export { isFeasible } from './result.js';
export { runScenario, resultFromPlan } from './scenario.js';
export * from './energy.js';
export * from './analysis.js';
export { resultsToCsv } from './csv.js';
export { paretoSvg } from './charts/pareto-svg.js';
export { scalingSvg } from './charts/scaling-svg.js';
