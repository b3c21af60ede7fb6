/** Where scenarios run: an embedded worker-thread pool, or BullMQ workers over Redis. */
import type { ScenarioResult } from '../../../studies/index.js';
import type { Scenario } from '../scenarios.js';

export interface ScenarioExecutor {
  /** Resolves with the scenario's row; internal failures come back as an `internal` error row. */
  run(scenario: Scenario, signal?: AbortSignal): Promise<ScenarioResult>;
  close(): Promise<void>;
}

/** Messages between the pool and a scenario worker thread. */
export interface ScenarioRequestMessage {
  readonly id: number;
  readonly scenario: Scenario;
}

export type ScenarioReplyMessage =
  | { readonly id: number; readonly ok: true; readonly result: ScenarioResult }
  | { readonly id: number; readonly ok: false; readonly message: string };
