/** The row for a scenario that failed because of a bug or a lost worker (never cached). */
import type { ScenarioResult } from '../../../studies/index.js';
import { failedScenario } from '../../../studies/index.js';
import { scenarioLabel } from '../run-scenario.js';
import type { Scenario } from '../scenarios.js';

export function internalErrorResult(scenario: Scenario, message: string): ScenarioResult {
  return failedScenario(scenarioLabel(scenario, null), 'internal', message);
}
