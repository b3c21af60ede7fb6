/**
 * The SQLite study store on its own worker thread (issue #17). sql.js keeps the database in
 * WebAssembly memory and writes it to disk by exporting the whole image, which took 150 ms of the
 * API's event loop at a time while a 500-scenario study streamed (`npm run load streams`,
 * profiled); on a thread of its own, the export and every query leave the event loop free.
 *
 * Calls are messages; a worker that dies fails its pending calls with StoreUnavailableError
 * (503 + Retry-After at the API) and the next call starts a fresh worker from the file on disk.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../module-worker.js';
import type { SqliteStoreOptions } from './sqlite.js';
import type { StoreCall, StoreReply } from './sqlite-thread.js';
import type { StudyStore } from './types.js';
import { StoreUnavailableError } from './types.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** Opens the store on a worker thread; resolves once the database is open there. */
export async function openSqliteStoreOffThread(options: SqliteStoreOptions): Promise<StudyStore> {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  const failAll = (error: Error): void => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };

  const start = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = startModuleWorker(import.meta.url, 'sqlite-thread', { workerData: options });
      worker.unref();
      worker.on('message', (message: StoreReply | { ready: true }) => {
        if ('ready' in message) return resolve(worker);
        const call = pending.get(message.id);
        pending.delete(message.id);
        // Idle, the thread must not keep the process alive; with calls pending, it must.
        if (pending.size === 0) worker.unref();
        if (call === undefined) return;
        if ('error' in message) call.reject(new Error(message.error));
        else call.resolve(message.value);
      });
      const lost = (why: string): void => {
        if (current === worker) current = undefined;
        const error = new StoreUnavailableError(`the study store thread ${why}`);
        reject(error);
        failAll(error);
      };
      worker.on('error', (error) => lost(`failed: ${error.message}`));
      worker.on('exit', (code) => {
        if (!closed) lost(`exited with code ${code}`);
      });
    });

  let current: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  const worker = async (): Promise<Worker> => {
    if (current !== undefined) return current;
    starting ??= start().finally(() => (starting = undefined));
    current = await starting;
    return current;
  };
  await worker();

  const call = async <T>(method: keyof StudyStore, ...args: unknown[]): Promise<T> => {
    if (closed) throw new StoreUnavailableError('the study store is closed');
    const target = await worker();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      target.ref();
      target.postMessage({ id, method, args } satisfies StoreCall);
    });
  };

  return {
    putStudy: (record) => call('putStudy', record),
    getStudy: (id) => call('getStudy', id),
    putResult: (studyId, index, key, result) => call('putResult', studyId, index, key, result),
    getResults: (studyId) => call('getResults', studyId),
    getCached: (key) => call('getCached', key),
    flush: () => call('flush'),
    ping: () => call('ping'),
    async close() {
      if (closed) return;
      const target = current;
      if (target === undefined) return void (closed = true);
      await call('close');
      closed = true;
      await target.terminate();
    },
  };
}
