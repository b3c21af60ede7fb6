/** One scenario request → its reply: the same in a worker thread and in a child process. */
import type { ProfileCatalog } from '../../../hardware-profiles/index.js';
import { runScenario } from '../run-scenario.js';
import type { ScenarioReplyMessage, ScenarioRequestMessage } from './types.js';

export function runScenarioMessage(
  catalog: ProfileCatalog,
  message: ScenarioRequestMessage,
): ScenarioReplyMessage {
  try {
    return { id: message.id, ok: true, result: runScenario(catalog, message.scenario) };
  } catch (error) {
    return {
      id: message.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
