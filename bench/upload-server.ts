/**
 * Child process of bench/onnx-import.ts: the real app with a plan worker pool on an ephemeral
 * port, measuring its own event-loop delay. IPC: sends { port } when listening; on 'reset' clears
 * the delay histogram, on 'report' answers { maxMs, p99Ms } of the delays since, on 'stop' exits.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/http/app.js';
import { loadProfileCatalog } from '../src/hardware-profiles/index.js';
import { createPlanPool } from '../src/service/index.js';

const pool = createPlanPool();
const server = createApp({ catalog: loadProfileCatalog(), pool }).listen(0, () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.on('message', (message: string) => {
  if (message === 'reset') delay.reset();
  if (message === 'report')
    process.send?.({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 });
  if (message === 'stop') {
    server.closeAllConnections();
    server.close();
    void pool.close().then(() => process.exit(0));
  }
});
