/** The cache and job key of a scenario: the hash of its content without its position. */
import { contentHash } from '../../../base/hash.js';
import type { Scenario } from '../scenarios.js';

export function scenarioKey(scenario: Scenario): string {
  return contentHash({ ...scenario, index: undefined });
}
