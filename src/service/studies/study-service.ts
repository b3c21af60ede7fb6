/**
 * Study orchestration: validate + expand a spec, run its scenarios on an executor (skipping rows
 * already in the content-hash cache), persist each row, and tell subscribers. State lives in the
 * returned object (one per process), never at module level. The clock is injected.
 *
 * Issue #17: rows that failed for an internal reason (a killed worker) are never counted as
 * finished, so submitting the spec again retries them, even for a study that is `done`; a run
 * pauses through a store outage and writes its record again when the store returns (a Redis that
 * lost its data gets the study back, and rows it lost are computed again); the number of studies
 * running at once is bounded (503 with Retry-After beyond); shutdown lets running scenarios
 * finish within a grace period and leaves the study resumable, not cancelled.
 */
import { setMaxListeners } from 'node:events';
import { ApiError } from '../../contract/index.js';
import type { AccuracyBands, ProfileCatalog } from '../../hardware-profiles/index.js';
import { scenarioKey } from './executor/scenario-key.js';
import type { ScenarioExecutor } from './executor/types.js';
import { contentHash } from '../../base/index.js';
import type { ScenarioResult } from '../../studies/index.js';
import type { Scenario } from './scenarios.js';
import { expandStudy, parseStudySpec, SCENARIO_CAP } from './scenarios.js';
import type { StudyRecord, StudyStatus, StudyStore } from './store/types.js';
import { isCacheable, withIndex } from './store/types.js';
import { guardedCall } from './store-guard.js';
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
  /** The cost model's error bands, for the API view of each row's plan. */
  readonly accuracy: AccuracyBands;
  /** Validates (throws ZodError / StudyInputError) and starts or joins the study. */
  submit(input: unknown): Promise<StudySummary>;
  get(id: string): Promise<StudySnapshot | null>;
  cancel(id: string): Promise<StudySummary | null>;
  /** Live events of a running study; returns the unsubscribe function. */
  subscribe(id: string, listener: StudyListener): () => void;
  /** Resolves when the study's current run (if any) has ended. */
  settled(id: string): Promise<void>;
  /** Resolves when the store answers (readiness); rejects when it does not. */
  ping(): Promise<void>;
  stats(): { readonly activeStudies: number; readonly scenariosCompleted: number };
  /**
   * Stops starting scenarios; running ones may finish (and their rows are kept) for up to
   * graceMilliseconds (default: wait for them). Studies stay resumable by submitting them again.
   */
  close(graceMilliseconds?: number): Promise<void>;
}

export interface StudyServiceDeps {
  readonly catalog: ProfileCatalog;
  readonly store: StudyStore;
  readonly executor: ScenarioExecutor;
  readonly now?: () => string;
  readonly scenarioCap?: number;
  /** Scenarios handed to the executor at once (it queues beyond its own size); default 32. */
  readonly maxInFlight?: number;
  /** Studies queued or running at once; more are refused with 503 OVERLOADED; default 16. */
  readonly maxActiveStudies?: number;
}

interface ActiveRun {
  readonly abort: AbortController;
  readonly finished: Promise<void>;
  done: number;
}

const ACTIVE: readonly StudyStatus[] = ['queued', 'running'];
/** Passes over a study's missing rows (a store that lost rows mid-run has them computed again). */
const MAX_PASSES = 3;
const SHUTDOWN = 'shutdown';
const INTERRUPTED = 'interrupted by a server restart; submit the spec again to resume';

export function createStudyService(deps: StudyServiceDeps): StudyService {
  const { catalog, store, executor } = deps;
  const now = deps.now ?? ((): string => new Date().toISOString());
  const cap = deps.scenarioCap ?? SCENARIO_CAP;
  const maxInFlight = deps.maxInFlight ?? 32;
  const maxActive = deps.maxActiveStudies ?? 16;
  const active = new Map<string, ActiveRun>();
  const listeners = new Map<string, Set<StudyListener>>();
  let scenariosCompleted = 0;

  const emit = (id: string, event: StudyEvent): void => {
    for (const listener of listeners.get(id) ?? []) listener(event);
  };

  /** A store call of a running study: paused through outages, the record restored after. */
  const guarded = <T>(record: StudyRecord, run: ActiveRun, call: () => Promise<T>) =>
    guardedCall(store, run.abort.signal, call, () =>
      store.putStudy({ ...record, status: 'running' }),
    );

  const runOne = async (record: StudyRecord, scenario: Scenario, run: ActiveRun): Promise<void> => {
    const key = scenarioKey(scenario);
    const cached = await guarded(record, run, () => store.getCached(key));
    const result =
      cached === null
        ? await executor.run(scenario, run.abort.signal)
        : withIndex(cached, scenario.index);
    // A scenario that finished is kept even while stopping; one cut short by the stop is not.
    if (run.abort.signal.aborted && !isCacheable(result)) return;
    await guarded(record, run, () => store.putResult(record.id, scenario.index, key, result));
    run.done += 1;
    scenariosCompleted += 1;
    emit(record.id, { type: 'scenario', result });
    emit(record.id, { type: 'progress', progress: { done: run.done, total: record.total } });
  };

  /** Rows that count as finished: everything but internal errors (those are retried). */
  const finishedRows = async (record: StudyRecord, run: ActiveRun) =>
    (await guarded(record, run, () => store.getResults(record.id))).filter(isCacheable);

  const execute = async (record: StudyRecord, run: ActiveRun): Promise<void> => {
    await guarded(record, run, () => store.putStudy({ ...record, status: 'running' }));
    for (let pass = 0; pass < MAX_PASSES && !run.abort.signal.aborted; pass++) {
      const finished = new Set((await finishedRows(record, run)).map((r) => r.scenario.index));
      run.done = finished.size;
      const pending = expandStudy(record.spec, cap).filter((s) => !finished.has(s.index));
      if (pending.length === 0) return;
      let next = 0;
      const lane = async (): Promise<void> => {
        while (!run.abort.signal.aborted) {
          const scenario = pending[next++];
          if (scenario === undefined) return;
          await runOne(record, scenario, run);
        }
      };
      await Promise.all(Array.from({ length: Math.min(maxInFlight, pending.length) }, lane));
    }
  };

  /** The run's end: its status written (through outages), then subscribers told. */
  const conclude = async (record: StudyRecord, run: ActiveRun, outcome: unknown): Promise<void> => {
    const reason: unknown = run.abort.signal.reason;
    if (run.abort.signal.aborted && reason === SHUTDOWN) {
      active.delete(record.id);
      emit(record.id, { type: 'end', status: 'failed', error: INTERRUPTED });
      return;
    }
    const status =
      outcome !== undefined ? 'failed' : run.abort.signal.aborted ? 'cancelled' : 'done';
    const error =
      outcome instanceof Error
        ? outcome.message
        : outcome === undefined
          ? null
          : JSON.stringify(outcome);
    const quiet = new AbortController();
    await guardedCall(
      store,
      quiet.signal,
      () => store.putStudy({ ...record, status, error }),
      () => Promise.resolve(),
    ).catch(() => undefined);
    await store.flush().catch(() => undefined);
    active.delete(record.id);
    emit(record.id, { type: 'end', status, error });
  };

  const start = (record: StudyRecord): void => {
    const abort = new AbortController();
    setMaxListeners(maxInFlight + 10, abort.signal);
    const run: ActiveRun = { abort, done: 0, finished: Promise.resolve() };
    const finished = execute(record, run).then(
      () => conclude(record, run, undefined),
      (error: unknown) => conclude(record, run, error ?? 'failed'),
    );
    active.set(record.id, Object.assign(run, { finished }));
  };

  const summary = async (record: StudyRecord): Promise<StudySummary> => {
    const run = active.get(record.id);
    const done = run?.done ?? (await store.getResults(record.id)).filter(isCacheable).length;
    return { id: record.id, status: record.status, progress: { done, total: record.total } };
  };

  /** A finished study is joined unless some of its rows failed internally (then it runs again). */
  const complete = async (existing: StudyRecord): Promise<boolean> =>
    existing.status === 'done' && (await store.getResults(existing.id)).every(isCacheable);

  return {
    accuracy: catalog.accuracy,
    async submit(input) {
      const spec = parseStudySpec(input);
      const total = expandStudy(spec, cap).length;
      validateStudyAgainstCatalog(catalog, spec);
      const id = contentHash(spec);
      const existing = await store.getStudy(id);
      if (active.has(id))
        return summary(
          existing ?? { id, spec, status: 'running', total, createdAt: now(), error: null },
        );
      if (existing !== null && (await complete(existing))) return summary(existing);
      if (active.size >= maxActive) {
        throw new ApiError(
          'OVERLOADED',
          `${active.size} studies are running, the most at once; retry later`,
          {
            retryAfterSeconds: 30,
          },
        );
      }
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
      const error = status === record.status ? record.error : INTERRUPTED;
      return {
        id,
        status,
        progress: { done: results.filter(isCacheable).length, total: record.total },
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
      run.abort.abort('cancel');
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
    ping: () => store.ping(),
    stats: () => ({ activeStudies: active.size, scenariosCompleted }),
    async close(graceMilliseconds) {
      const runs = [...active.values()];
      for (const run of runs) run.abort.abort(SHUTDOWN);
      const all = Promise.all(runs.map((r) => r.finished));
      if (graceMilliseconds === undefined) await all;
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([all, new Promise((r) => (timer = setTimeout(r, graceMilliseconds)))]);
        clearTimeout(timer);
      }
      await store.flush().catch(() => undefined);
    },
  };
}
