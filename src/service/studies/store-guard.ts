/**
 * Running studies ride out a store outage (issue #17: with Redis down the in-flight study was
 * lost). A store call that fails with StoreUnavailableError waits until the store answers a
 * ping again (polling, abortable), lets the caller restore what an emptied store lost (the study
 * record), and is retried. Calls from API requests are not guarded: they fail fast (503).
 */
import type { StudyStore } from './store/types.js';
import { StoreUnavailableError } from './store/types.js';

/** How often a paused study asks whether the store is back. */
export const STORE_POLL_MILLISECONDS = 500;

const sleep = (milliseconds: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Resolves once the store answers a ping, or when `signal` aborts (then false). */
export async function waitForStore(store: StudyStore, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    try {
      await store.ping();
      return true;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      await sleep(STORE_POLL_MILLISECONDS, signal);
    }
  }
  return false;
}

/**
 * `call` retried across store outages: after each one, `restore` runs once the store is back
 * (e.g. the study record is written again). Rejects with the outage error when `signal` aborts.
 */
export async function guardedCall<T>(
  store: StudyStore,
  signal: AbortSignal,
  call: () => Promise<T>,
  restore: () => Promise<void>,
): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      if (!(await waitForStore(store, signal))) throw error;
      await restore().catch((again: unknown) => {
        if (!(again instanceof StoreUnavailableError)) throw again;
      });
    }
  }
}
