/**
 * startRedis(): a throwaway redis-server on a free loopback port (no persistence). If the binary
 * is missing and we run as root, installs Debian's redis-server once; if that fails, throws with
 * a clear message (tests that need Redis fail rather than skip).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export interface RedisHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function findRedisServer(): string | null {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null
    );
  } catch {
    return null;
  }
}

function ensureRedisServer(): string {
  const found = findRedisServer();
  if (found !== null) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      'redis-server is not installed and we are not root: run `apt-get install -y redis-server`',
    );
  }
  try {
    execFileSync('apt-get', ['install', '-y', 'redis-server'], {
      stdio: 'ignore',
      timeout: 300_000,
    });
  } catch (error) {
    throw new Error(
      `redis-server is missing and 'apt-get install -y redis-server' failed: ${String(error)}`,
    );
  }
  const installed = findRedisServer();
  if (installed === null) throw new Error('apt-get installed redis-server but it is not on PATH');
  return installed;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function startRedis(): Promise<RedisHandle> {
  const binary = ensureRedisServer();
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitForPort(port, child, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
