/** studies: the what-if domain — time-to-train, cost, energy, Pareto frontiers, charts. */
export { StudyInputError } from './errors.js';
export type { StudyInputReason } from './errors.js';
export type { ScenarioResult, ScenarioLabel, ScenarioError, ScenarioSearch } from './result.js';
export { isFeasible } from './result.js';
export type { ScenarioProblem, ScenarioTerms } from './scenario.js';
export { evaluateScenario, failedScenario, resultFromPlan } from './scenario.js';
export * from './energy.js';
export * from './analysis.js';
export { resultsToCsv } from './csv.js';
export { paretoSvg } from './charts/pareto-svg.js';
export { scalingSvg } from './charts/scaling-svg.js';
