/**
 * Worker-thread entry of the embedded pool (thread-pool.ts): receives scenarios, runs them with
 * the catalog cloned once into workerData, posts back rows.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerWorkerThreadPriority } from '../../worker-priority.js';
import type { ProfileCatalog } from '../../../hardware-profiles/index.js';
import { runScenarioMessage } from './run-message.js';
import type { ScenarioRequestMessage } from './types.js';

const { catalog } = workerData as { catalog: ProfileCatalog };

lowerWorkerThreadPriority();

parentPort?.on('message', (message: ScenarioRequestMessage) => {
  parentPort?.postMessage(runScenarioMessage(catalog, message));
});
