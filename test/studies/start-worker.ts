/** Starts a `strata worker` process against Redis for the distributed-study tests. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * Spawn src/service/studies/worker-main.ts with REDIS_URL=`url`, a 2 s lock and a 1 s stall
 * check, and resolve once it logs that it is processing (reject if it exits first).
 * @param spawned every child is pushed here, for the caller's afterAll to stop
 * @param extraEnv further STRATA_WORKER_* settings
 * @param launcher the command that runs TypeScript (default node --import tsx)
 */
export function startStudyWorker(
  url: string,
  spawned: ChildProcess[],
  extraEnv: Record<string, string> = {},
  launcher: readonly string[] = [process.execPath, '--import', 'tsx'],
): Promise<ChildProcess> {
  const [command = process.execPath, ...args] = launcher;
  const child = spawn(command, [...args, 'src/service/studies/worker-main.ts'], {
    env: {
      ...process.env,
      REDIS_URL: url,
      STRATA_WORKER_LOCK_MS: '2000',
      STRATA_WORKER_STALLED_MS: '1000',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  spawned.push(child);
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('processing')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${log}`)));
  });
}
