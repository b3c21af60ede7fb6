/**
 * Worker-thread entry that owns the SQLite study store (sqlite-off-thread.ts is its client).
 * Every call arrives as { id, method, args } and is answered as { id, value } or { id, error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from './sqlite.js';
import type { SqliteStoreOptions } from './sqlite.js';
import type { StudyStore } from './types.js';

export interface StoreCall {
  readonly id: number;
  readonly method: keyof StudyStore;
  readonly args: readonly unknown[];
}

export type StoreReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('sqlite-thread runs only as a worker thread');
const store = await openSqliteStore(workerData as SqliteStoreOptions);
port.on('message', (call: StoreCall) => {
  const invoke = (store[call.method] as (...args: unknown[]) => Promise<unknown>).bind(store);
  invoke(...call.args).then(
    (value) => port.postMessage({ id: call.id, value } satisfies StoreReply),
    (error: unknown) =>
      port.postMessage({
        id: call.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies StoreReply),
  );
});
port.postMessage({ ready: true });
