/** The cache and job key of a scenario: the hash of its content without its position. */
import { contentHash } from '../hash.js';
import type { Scenario } from '../spec.js';

export function scenarioKey(scenario: Scenario): string {
  return contentHash({ ...scenario, index: undefined });
}
