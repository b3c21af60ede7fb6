/**
 * What the embedded pool needs from a worker, whether it is a thread or a child process: post a
 * scenario, hear replies, notice a crash or an exit, and stop it.
 */
import { fork } from 'node:child_process';
import { constants, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ProfileCatalog } from '../../../hardware-profiles/index.js';
import type { ScenarioReplyMessage, ScenarioRequestMessage } from './types.js';

export interface WorkerHandle {
  post(message: ScenarioRequestMessage): void;
  onMessage(listener: (reply: ScenarioReplyMessage) => void): void;
  onError(listener: (error: Error) => void): void;
  onExit(listener: (code: number | null) => void): void;
  terminate(): Promise<void>;
}

export type WorkerStarter = () => WorkerHandle;

const isTypeScript = import.meta.url.endsWith('.ts');
const sibling = (name: string): URL =>
  new URL(`./${name}.${isTypeScript ? 'ts' : 'js'}`, import.meta.url);

/**
 * A worker thread. Under tsx/vitest the .ts worker is started through an eval bootstrap that
 * registers tsx's ESM hooks first (on Node 20, `execArgv: ['--import', 'tsx']` does not install
 * them in a worker thread; see src/service/worker-pool.ts); after tsc the .js file runs directly.
 */
export function threadStarter(catalog: ProfileCatalog): WorkerStarter {
  const url = sibling('scenario-worker');
  return () => {
    const workerData = { catalog };
    let worker: Worker;
    if (isTypeScript) {
      const tsxApi = import.meta.resolve('tsx/esm/api');
      const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
      worker = new Worker(bootstrap, { eval: true, workerData });
    } else {
      worker = new Worker(url, { workerData });
    }
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => void worker.on('message', listener),
      onError: (listener) => void worker.on('error', listener),
      onExit: (listener) => void worker.on('exit', listener),
      terminate: async () => void (await worker.terminate()),
    };
  };
}

/**
 * A child process at the lowest scheduling priority (all of its threads, GC helpers included,
 * unlike a worker thread's nice value): on a 2-core machine this keeps the API's event loop
 * responsive while scenarios run. Messages use structured-clone serialisation.
 */
export function processStarter(profilesDir: string | undefined): WorkerStarter {
  const entry = fileURLToPath(sibling('scenario-process'));
  return () => {
    const child = fork(entry, profilesDir === undefined ? [] : [profilesDir], {
      execArgv: isTypeScript ? ['--import', 'tsx'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    try {
      if (child.pid !== undefined) setPriority(child.pid, constants.priority.PRIORITY_LOW);
    } catch {
      // Priority is an optimisation: run at normal priority where lowering it is refused.
    }
    return {
      post: (message) => void child.send(message),
      onMessage: (listener) => void child.on('message', (m) => listener(m as ScenarioReplyMessage)),
      onError: (listener) => void child.on('error', listener),
      onExit: (listener) => void child.on('exit', listener),
      terminate: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  };
}
