/**
 * What the embedded pool needs from a worker, whether it is a thread or a child process: post a
 * scenario, hear replies, notice a crash or an exit, and stop it.
 */
import { fork } from 'node:child_process';
import { constants, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ProfileCatalog } from '../../../hardware-profiles/index.js';
import { startModuleWorker } from '../../module-worker.js';
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

/** A worker thread (module-worker.ts starts the .ts file under tsx/vitest, the .js one after tsc). */
export function threadStarter(catalog: ProfileCatalog): WorkerStarter {
  return () => {
    const worker = startModuleWorker(import.meta.url, 'scenario-worker', {
      workerData: { catalog },
    });
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
