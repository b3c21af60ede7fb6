/**
 * Planner worker threads run at a lower scheduling priority than the HTTP event loop, so that on a
 * small machine (2 cores) a busy search does not delay /healthz or small requests.
 * On Linux the nice value is per thread and setpriority(PRIO_PROCESS, 0, …) applies to the
 * calling thread (man 2 setpriority, "BUGS"; Node's os.setPriority(0, …) maps to it); lowering
 * priority needs no privilege. Elsewhere it may apply to the whole process, so we only lower it
 * on Linux, and a refusal is ignored: priority is an optimisation, never a requirement.
 */
import { constants, platform, setPriority } from 'node:os';

export function lowerWorkerThreadPriority(): void {
  if (platform() !== 'linux') return;
  try {
    setPriority(0, constants.priority.PRIORITY_LOW);
  } catch {
    // Not permitted in this sandbox: run at normal priority.
  }
}
