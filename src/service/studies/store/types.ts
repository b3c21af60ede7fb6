/** Persistence of studies and of the scenario → result cache (adapters: sqlite.ts, redis.ts). */
import type { ScenarioResult } from '../../../studies/index.js';
import type { StudySpec } from '../../../contract/index.js';

export type StudyStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface StudyRecord {
  /** Content hash of the normalised spec. */
  readonly id: string;
  readonly spec: StudySpec;
  readonly status: StudyStatus;
  readonly total: number;
  /** ISO-8601, supplied by the caller (the core reads no clock). */
  readonly createdAt: string;
  readonly error: string | null;
}

export interface StudyStore {
  putStudy(record: StudyRecord): Promise<void>;
  getStudy(id: string): Promise<StudyRecord | null>;
  /**
   * Records row `index` of a study. `key` is the scenario's content hash: the row is stored once
   * under it (the cache) unless it is an `internal` error, which is kept with the study only.
   */
  putResult(studyId: string, index: number, key: string, result: ScenarioResult): Promise<void>;
  /** Finished rows of a study, by ascending index. */
  getResults(studyId: string): Promise<ScenarioResult[]>;
  getCached(key: string): Promise<ScenarioResult | null>;
  /** Resolves once every change so far is durable. */
  flush(): Promise<void>;
  /** Resolves when the store answers; rejects with StoreUnavailableError when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Internal errors (bugs, lost workers) are never cached: the next run tries again. */
export const isCacheable = (result: ScenarioResult): boolean => result.error?.reason !== 'internal';

/** A cached row carries the index of the study that computed it; rows are re-indexed on read. */
export const withIndex = (result: ScenarioResult, index: number): ScenarioResult =>
  result.scenario.index === index ? result : { ...result, scenario: { ...result.scenario, index } };

/**
 * The store does not answer (Redis down or unreachable). Store adapters fail fast with this
 * instead of queueing commands until the connection returns (issue #17: study endpoints hung);
 * the API answers 503 SERVICE_UNAVAILABLE with Retry-After, and running studies pause until the
 * store answers again (store-guard.ts).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** The form of every study id and scenario key (SHA-256 hex): anything else is never a key. */
export const CONTENT_HASH = /^[0-9a-f]{64}$/;
