/**
 * Starts the built server (`node dist/src/index.js`, after `npm run build`) on an ephemeral
 * loopback port with a throwaway data directory, for scripts/fuzz.ts and scripts/load.ts; or
 * uses STRATA_URL when it is set (a server you started yourself). Reports the server's RSS.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Served {
  readonly base: string;
  /** The server's resident set in bytes (from /proc), or null when it is not ours. */
  rssBytes(): number | null;
  stop(): Promise<number | null>;
}

export async function serveBuilt(env: Record<string, string> = {}): Promise<Served> {
  const external = process.env['STRATA_URL'];
  if (external !== undefined && external !== '') {
    return { base: external, rssBytes: () => null, stop: () => Promise.resolve(null) };
  }
  const entry = join(process.cwd(), 'dist/src/index.js');
  if (!existsSync(entry))
    throw new Error('dist/src/index.js is missing: run `npm run build` first');
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      STRATA_DATA_DIR: mkdtempSync(join(tmpdir(), 'strata-script-')),
      // info: the startup line names the port; request lines are read and dropped (their cost counts).
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const address = /"address":"([^"]+)"/.exec(out)?.[1];
      if (address !== undefined) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(`http://${address}`);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return {
    base,
    rssBytes() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
        return Number.isFinite(kib) ? kib * 1024 : null;
      } catch {
        return null;
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
