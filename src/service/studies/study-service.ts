/**
 * Study orchestration: validate + expand a spec, run its scenarios on an executor (skipping rows
 * already in the content-hash cache), persist each row, and tell subscribers. State lives in the
 * returned object (one per process), never at module level. The clock is injected.
 */
import { setMaxListeners } from 'node:events';
import type { ProfileCatalog } from '../../hardware-profiles/index.js';
import { scenarioKey } from './executor/scenario-key.js';
import type { ScenarioExecutor } from './executor/types.js';
import { contentHash } from '../../base/hash.js';
import type { ScenarioResult } from '../../studies/index.js';
import type { Scenario } from './scenarios.js';
import { expandStudy, parseStudySpec, SCENARIO_CAP } from './scenarios.js';
import type { StudyRecord, StudyStatus, StudyStore } from './store/types.js';
import { withIndex } from './store/types.js';
import { validateStudyAgainstCatalog } from './validate-study.js';

export interface StudyProgress {
  readonly done: number;
  readonly total: number;
}

export interface StudySummary {
  readonly id: string;
  readonly status: StudyStatus;
  readonly progress: StudyProgress;
}

export interface StudySnapshot extends StudySummary {
  readonly createdAt: string;
  readonly error: string | null;
  readonly results: readonly ScenarioResult[];
}

export type StudyEvent =
  | { readonly type: 'progress'; readonly progress: StudyProgress }
  | { readonly type: 'scenario'; readonly result: ScenarioResult }
  | { readonly type: 'end'; readonly status: StudyStatus; readonly error: string | null };

export type StudyListener = (event: StudyEvent) => void;

export interface StudyService {
  /** Validates (throws ZodError / StudyInputError) and starts or joins the study. */
  submit(input: unknown): Promise<StudySummary>;
  get(id: string): Promise<StudySnapshot | null>;
  cancel(id: string): Promise<StudySummary | null>;
  /** Live events of a running study; returns the unsubscribe function. */
  subscribe(id: string, listener: StudyListener): () => void;
  /** Resolves when the study's current run (if any) has ended. */
  settled(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface StudyServiceDeps {
  readonly catalog: ProfileCatalog;
  readonly store: StudyStore;
  readonly executor: ScenarioExecutor;
  readonly now?: () => string;
  readonly scenarioCap?: number;
  /** Scenarios handed to the executor at once (it queues beyond its own size); default 32. */
  readonly maxInFlight?: number;
}

interface ActiveRun {
  readonly abort: AbortController;
  readonly finished: Promise<void>;
  done: number;
}

const ACTIVE: readonly StudyStatus[] = ['queued', 'running'];

export function createStudyService(deps: StudyServiceDeps): StudyService {
  const { catalog, store, executor } = deps;
  const now = deps.now ?? ((): string => new Date().toISOString());
  const cap = deps.scenarioCap ?? SCENARIO_CAP;
  const maxInFlight = deps.maxInFlight ?? 32;
  const active = new Map<string, ActiveRun>();
  const listeners = new Map<string, Set<StudyListener>>();

  const emit = (id: string, event: StudyEvent): void => {
    for (const listener of listeners.get(id) ?? []) listener(event);
  };

  const runOne = async (record: StudyRecord, scenario: Scenario, run: ActiveRun): Promise<void> => {
    const key = scenarioKey(scenario);
    const cached = await store.getCached(key);
    const result =
      cached === null
        ? await executor.run(scenario, run.abort.signal)
        : withIndex(cached, scenario.index);
    if (run.abort.signal.aborted) return;
    await store.putResult(record.id, scenario.index, key, result);
    run.done += 1;
    emit(record.id, { type: 'scenario', result });
    emit(record.id, { type: 'progress', progress: { done: run.done, total: record.total } });
  };

  const execute = async (record: StudyRecord, run: ActiveRun): Promise<void> => {
    const finished = new Set((await store.getResults(record.id)).map((r) => r.scenario.index));
    run.done = finished.size;
    const pending = expandStudy(record.spec, cap).filter((s) => !finished.has(s.index));
    await store.putStudy({ ...record, status: 'running' });
    let next = 0;
    const lane = async (): Promise<void> => {
      while (!run.abort.signal.aborted) {
        const scenario = pending[next++];
        if (scenario === undefined) return;
        await runOne(record, scenario, run);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(maxInFlight, Math.max(1, pending.length)) }, lane),
    );
  };

  const start = (record: StudyRecord): void => {
    const abort = new AbortController();
    setMaxListeners(maxInFlight + 10, abort.signal);
    const run: ActiveRun = { abort, done: 0, finished: Promise.resolve() };
    const finished = execute(record, run)
      .then(
        () =>
          abort.signal.aborted
            ? { status: 'cancelled' as const, error: null }
            : { status: 'done' as const, error: null },
        (error: unknown) => ({
          status: 'failed' as const,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .then(async ({ status, error }) => {
        await store.putStudy({ ...record, status, error });
        await store.flush();
        active.delete(record.id);
        emit(record.id, { type: 'end', status, error });
      });
    active.set(record.id, Object.assign(run, { finished }));
  };

  const summary = async (record: StudyRecord): Promise<StudySummary> => {
    const run = active.get(record.id);
    const done = run?.done ?? (await store.getResults(record.id)).length;
    return { id: record.id, status: record.status, progress: { done, total: record.total } };
  };

  return {
    async submit(input) {
      const spec = parseStudySpec(input);
      const total = expandStudy(spec, cap).length;
      validateStudyAgainstCatalog(catalog, spec);
      const id = contentHash(spec);
      const existing = await store.getStudy(id);
      if (existing !== null && (existing.status === 'done' || active.has(id)))
        return summary(existing);
      const record: StudyRecord = {
        id,
        spec,
        status: 'queued',
        total,
        createdAt: existing?.createdAt ?? now(),
        error: null,
      };
      await store.putStudy(record);
      start(record);
      return summary(record);
    },
    async get(id) {
      const record = await store.getStudy(id);
      if (record === null) return null;
      const results = await store.getResults(id);
      const status = ACTIVE.includes(record.status) && !active.has(id) ? 'failed' : record.status;
      const error =
        status === record.status
          ? record.error
          : 'interrupted by a server restart; submit the spec again to resume';
      return {
        id,
        status,
        progress: { done: results.length, total: record.total },
        createdAt: record.createdAt,
        error,
        results,
      };
    },
    async cancel(id) {
      const record = await store.getStudy(id);
      if (record === null) return null;
      const run = active.get(id);
      if (run === undefined) return summary(record);
      run.abort.abort();
      await run.finished;
      return summary((await store.getStudy(id)) ?? record);
    },
    subscribe(id, listener) {
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(id);
      };
    },
    async settled(id) {
      await active.get(id)?.finished;
    },
    async close() {
      for (const run of active.values()) run.abort.abort();
      await Promise.all([...active.values()].map((r) => r.finished));
      await store.flush();
    },
  };
}
