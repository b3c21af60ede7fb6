/**
 * Worker-thread entry of the embedded pool (thread-pool.ts): receives scenarios, runs them with
 * the catalog cloned once into workerData, posts back rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerWorkerThreadPriority } from '../../worker-priority.js';
import type { ProfileCatalog } from '../../../hardware-profiles/index.js';
import { runScenario } from '../run-scenario.js';
import type { ScenarioReplyMessage, ScenarioRequestMessage } from './types.js';

const { catalog } = workerData as { catalog: ProfileCatalog };

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

lowerWorkerThreadPriority();

parentPort?.on('message', (message: ScenarioRequestMessage) => {
  parentPort?.postMessage(handle(message));
});
