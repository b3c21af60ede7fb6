/**
 * Child-process entry of the embedded pool (worker-handle.ts processStarter): loads the profile
 * catalog once (argv[2] = profiles directory, else the repository's), then runs scenarios sent over
 * IPC and replies with rows. Exits when its parent goes away.
 */
import { loadProfileCatalog } from '../../../hardware-profiles/index.js';
import { runScenarioMessage } from './run-message.js';
import type { ScenarioRequestMessage } from './types.js';

const catalog = loadProfileCatalog(...(process.argv[2] === undefined ? [] : [process.argv[2]]));

process.on('message', (message: ScenarioRequestMessage) =>
  process.send?.(runScenarioMessage(catalog, message)),
);
process.on('disconnect', () => process.exit(0));
