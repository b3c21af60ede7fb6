/**
 * Child-process entry of the embedded pool (worker-handle.ts processStarter): loads the profile
 * catalog once (argv[2] = profiles directory, else the repository's), then runs scenarios sent over
 * IPC and replies with rows. Exits when its parent goes away.
 */
import { loadProfileCatalog } from '../../../hardware-profiles/index.js';
import { runScenario } from '../run-scenario.js';
import type { ScenarioReplyMessage, ScenarioRequestMessage } from './types.js';

const catalog = loadProfileCatalog(...(process.argv[2] === undefined ? [] : [process.argv[2]]));

function handle(message: ScenarioRequestMessage): ScenarioReplyMessage {
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

process.on('message', (message: ScenarioRequestMessage) => process.send?.(handle(message)));
process.on('disconnect', () => process.exit(0));
