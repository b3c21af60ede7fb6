/**
 * Starts a worker thread on one of this package's modules, compiled or not: `name` resolves next
 * to `baseUrl` as name.js after tsc (dist/) or name.ts under vitest/tsx. A .ts worker starts
 * through a tiny eval bootstrap that registers tsx's ESM hooks inside the worker first: on
 * Node 20, `execArgv: ['--import', 'tsx']` does not install the hooks in a worker thread
 * (ERR_UNKNOWN_FILE_EXTENSION).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/** Starts module `name` (no extension) from the folder of `baseUrl` (the caller's import.meta.url). */
export function startModuleWorker(
  baseUrl: string,
  name: string,
  options: Omit<WorkerOptions, 'eval'> = {},
): Worker {
  const isTypeScript = baseUrl.endsWith('.ts');
  const url = new URL(`./${name}.${isTypeScript ? 'ts' : 'js'}`, baseUrl);
  if (!isTypeScript) return new Worker(url, options);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
