/**
 * npm run load [estimates|plans|streams|all]: load checks against the built server (issue #17).
 *
 *  estimates  open-loop POST /v1/estimates at 500 req/s for 60 s (latency measured from each
 *             request's scheduled time, so a stall cannot hide), 32 distinct bodies; then rising
 *             rates, 10 s each, until p99 ≥ 50 ms or an error: the highest rate that held.
 *  plans      200 distinct top-50 plans in a row (gpt3-175b on 128 × dgx-a100-80gb, global batch
 *             varied), RSS sampled throughout; the server must stay alive.
 *  streams    one 500-scenario study watched by 500 event streams that never read and 500 that
 *             read, while /healthz is polled every 20 ms: its p99 and the server's RSS. The poller
 *             and the readers are processes of their own, the readers at low priority (they stand
 *             for remote clients), so reading 500 streams does not count as server latency.
 *
 * LOAD_SECONDS shortens the 60 s run; LOAD_PLANS the 200 plans. Prints one JSON summary per check.
 */
import { request as httpRequest, Agent } from 'node:http';
import { execFile } from 'node:child_process';
import { setPriority } from 'node:os';
import { connect } from 'node:net';
import { FIFTY_SCENARIOS } from '../test/studies/fixtures.js';
import { serveBuilt } from './serve-built.js';
import type { Served } from './serve-built.js';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Shot {
  readonly status: number;
  readonly milliseconds: number;
}

function post(base: string, path: string, body: string, scheduled: number): Promise<Shot> {
  return new Promise((resolve) => {
    const url = new URL(path, base);
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, milliseconds: performance.now() - scheduled }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, milliseconds: performance.now() - scheduled }));
    req.end(body);
  });
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);

const round = (x: number): number => Math.round(x * 10) / 10;

function estimateBodies(): string[] {
  const bodies: string[] = [];
  const shapes = [
    { model: 'llama3-8b', nodes: 2, tp: 1, pp: 1 },
    { model: 'llama3-8b', nodes: 2, tp: 2, pp: 1 },
    { model: 'gpt-1.7b', nodes: 1, tp: 1, pp: 1 },
    { model: 'llama3-70b', nodes: 8, tp: 8, pp: 4 },
  ];
  for (const s of shapes) {
    for (const mbs of [1, 2]) {
      // Each framework's own sharding (Megatron launches ZeRO 0/1 only: a 2 or 3 is a 422).
      for (const [framework, zero] of [
        ['megatron', 1],
        ['fsdp', 3],
      ] as const) {
        for (const recompute of ['none', 'full']) {
          const dp = (s.nodes * 8) / (s.tp * s.pp);
          bodies.push(
            JSON.stringify({
              model: s.model,
              cluster: { preset: 'dgx-h100', nodes: s.nodes },
              training: { globalBatchSize: dp * mbs * 8, sequenceLength: 2048, framework },
              strategy: {
                dataParallel: dp,
                tensorParallel: s.tp,
                pipelineParallel: s.pp,
                microBatchSize: mbs,
                zeroStage: zero,
                recompute,
              },
            }),
          );
        }
      }
    }
  }
  return bodies;
}

/** Open loop: request i is sent at start + i/rate whatever happened before. */
async function openLoop(base: string, rate: number, seconds: number, bodies: readonly string[]) {
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  const shots: Promise<Shot>[] = [];
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    shots.push(post(base, '/v1/estimates', bodies[i % bodies.length] ?? '{}', at));
  }
  const done = await Promise.all(shots);
  const latencies = done.map((s) => s.milliseconds).sort((a, b) => a - b);
  const errors = done.filter((s) => s.status !== 200).length;
  const elapsed = (performance.now() - start) / 1000;
  return {
    rate,
    seconds,
    requests: total,
    achievedPerSecond: round(total / elapsed),
    errors,
    p50Milliseconds: round(percentile(latencies, 50)),
    p99Milliseconds: round(percentile(latencies, 99)),
    maxMilliseconds: round(latencies.at(-1) ?? NaN),
  };
}

async function estimates(served: Served) {
  const bodies = estimateBodies();
  await openLoop(served.base, 200, 3, bodies); // warm-up: JIT and the mapped-model cache
  const seconds = Number(process.env['LOAD_SECONDS'] ?? 60);
  const at500 = await openLoop(served.base, 500, seconds, bodies);
  const steps = [];
  let highest = at500.p99Milliseconds < 50 && at500.errors === 0 ? 500 : 0;
  for (const rate of [750, 1000, 1250, 1500, 2000, 2500, 3000]) {
    const step = await openLoop(served.base, rate, 10, bodies);
    steps.push(step);
    if (step.p99Milliseconds >= 50 || step.errors > 0 || step.achievedPerSecond < rate * 0.95)
      break;
    highest = rate;
  }
  return {
    check: 'estimates',
    at500,
    steps,
    highestSustainedPerSecond: highest,
    serverRssMiB: mib(served.rssBytes()),
  };
}

const mib = (bytes: number | null): number | null =>
  bytes === null ? null : Math.round(bytes / 2 ** 20);

async function plans(served: Served) {
  const count = Number(process.env['LOAD_PLANS'] ?? 200);
  const started = performance.now();
  let peak = 0;
  const statuses: Record<string, number> = {};
  let largestBytes = 0;
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({
      model: 'gpt3-175b',
      cluster: { preset: 'dgx-a100-80gb', nodes: 128 },
      training: { globalBatchSize: 512 + 8 * i, sequenceLength: 2048 },
      search: { topK: 50 },
    });
    const res = await fetch(`${served.base}/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const bytes = (await res.arrayBuffer()).byteLength;
    largestBytes = Math.max(largestBytes, bytes);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    peak = Math.max(peak, served.rssBytes() ?? 0);
    if ((i + 1) % 20 === 0)
      process.stderr.write(`plans: ${i + 1}/${count}, rss ${mib(peak)} MiB\n`);
  }
  const alive = (await fetch(`${served.base}/healthz`)).status === 200;
  return {
    check: 'plans',
    plans: count,
    statuses,
    seconds: round((performance.now() - started) / 1000),
    largestAnswerMiB: round(largestBytes / 2 ** 20),
    peakRssMiB: mib(peak),
    finalRssMiB: mib(served.rssBytes()),
    alive,
  };
}

/** The studies tests' fifty scenarios times ten global batch sizes: 500 scenarios. */
const STREAM_STUDY = {
  ...FIFTY_SCENARIOS,
  axes: {
    ...FIFTY_SCENARIOS.axes,
    globalBatchSizes: [256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 8192],
  },
  training: { sequenceLength: 2048 },
};

/**
 * Runs `code` in a separate Node process with `args` and parses what it prints as JSON. `nice`
 * lowers its scheduling priority: the stream readers stand for clients on other machines, and
 * on these 2 cores they would otherwise take the CPU the server is being measured on.
 */
function nodeScript<T>(code: string, args: readonly string[], nice = 0): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', code, ...args],
      { maxBuffer: 64 * 2 ** 20 },
      (error, stdout) => {
        if (error !== null) reject(new Error(`load script process failed: ${error.message}`));
        else resolve(JSON.parse(stdout) as T);
      },
    );
    if (nice !== 0 && child.pid !== undefined) setPriority(child.pid, nice);
  });
}

/** GET /healthz every 20 ms for `seconds`; prints the latencies in milliseconds. */
const HEALTHZ_PROBE = `
  const [base, seconds] = process.argv.slice(1);
  const until = performance.now() + Number(seconds) * 1000;
  const out = [];
  (async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await (await fetch(base + '/healthz')).arrayBuffer();
      out.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    process.stdout.write(JSON.stringify(out));
  })();`;

/** Reads `count` event streams of `path` for `seconds`; prints bytes read and statuses. */
const STREAM_READERS = `
  const [base, path, count, seconds] = process.argv.slice(1);
  let received = 0;
  const statuses = {};
  const controllers = Array.from({ length: Number(count) }, () => new AbortController());
  for (const controller of controllers) {
    fetch(base + path, { signal: controller.signal })
      .then(async (res) => {
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        for await (const chunk of res.body ?? []) received += chunk.byteLength;
      })
      .catch(() => undefined);
  }
  setTimeout(() => {
    controllers.forEach((c) => c.abort());
    process.stdout.write(JSON.stringify({ received, statuses }));
    process.exit(0);
  }, Number(seconds) * 1000 + 500);`;

/** A connection that asks for the stream and never reads a byte. */
function idleStream(base: string, path: string) {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname, () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    socket.pause();
  });
  socket.on('error', () => undefined);
  return socket;
}

async function streams(served: Served) {
  const created = await fetch(`${served.base}/v1/studies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(STREAM_STUDY),
  });
  const { id } = (await created.json()) as { id: string };
  const path = `/v1/studies/${id}/events`;
  const idle = Array.from({ length: 500 }, () => idleStream(served.base, path));
  const seconds = Number(process.env['LOAD_STREAM_SECONDS'] ?? 30);
  const reading = nodeScript<{ received: number; statuses: Record<string, number> }>(
    STREAM_READERS,
    [served.base, path, '500', String(seconds)],
    10,
  );
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, served.rssBytes() ?? 0)), 100);
  const latencies = await nodeScript<number[]>(HEALTHZ_PROBE, [served.base, String(seconds)]);
  latencies.sort((a, b) => a - b);
  clearInterval(sampler);
  const metrics = await (await fetch(`${served.base}/metrics`)).text();
  const open = Number(/strata_event_streams_open (\d+)/.exec(metrics)?.[1]);
  idle.forEach((s) => s.destroy());
  const readers = await reading;
  const study = (await (await fetch(`${served.base}/v1/studies/${id}`)).json()) as {
    progress: unknown;
  };
  return {
    check: 'streams',
    idle: idle.length,
    reading: 500,
    readerStatuses: readers.statuses,
    openStreamsAtEnd: open,
    bytesReadByReaders: readers.received,
    healthzSamples: latencies.length,
    healthzP50Milliseconds: round(percentile(latencies, 50)),
    healthzP99Milliseconds: round(percentile(latencies, 99)),
    healthzMaxMilliseconds: round(latencies.at(-1) ?? NaN),
    peakRssMiB: mib(peak),
    studyProgress: study.progress,
  };
}

const which = process.argv[2] ?? 'all';
const CHECKS = { estimates, plans, streams } as const;
for (const [name, check] of Object.entries(CHECKS)) {
  if (which !== 'all' && which !== name) continue;
  const served = await serveBuilt(
    name === 'streams'
      ? { STRATA_EVENT_STREAMS_PER_CLIENT: '2000', STRATA_EVENT_STREAMS_MAX: '2000' }
      : {},
  );
  try {
    console.log(JSON.stringify(await check(served), null, 2));
  } finally {
    await served.stop();
  }
}
agent.destroy();
