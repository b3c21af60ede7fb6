/**
 * Issue #18 benchmark, three parts:
 * 1. import of the largest real ONNX fixture (test/fixtures/onnx-real/README.md) present — the
 *    10.8 MB PP-OCRv4 recogniser once `npm run fetch:onnx-fixtures` has cached it, else the
 *    largest committed one — bytes → decoded model → operator graph (folding, shape inference,
 *    costs, validation, repeated blocks): ops, parameters, median of RUNS imports after a warm-up;
 * 2. a full plan of that graph on 8 GPUs (one DGX A100): median of PLAN_RUNS;
 * 3. a 200 MB upload to a live server in another process (real plan worker pool,
 *    bench/upload-server.ts) while /healthz is polled every POLL_MS: the upload's time, the
 *    slowest /healthz answer and the server's worst event-loop delay meanwhile (the file is
 *    hashed and read in a worker, so /healthz stays fast).
 * Run: npx tsx bench/onnx-import.ts [file.onnx [options-json]]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get, request } from 'node:http';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ModelProto,
  buildOnnxGraph,
  readOnnxModel,
  type OnnxImportOptions,
} from '../src/graph/onnx/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../src/hardware-profiles/index.js';
import { planOperatorGraph } from '../src/search/intra-op/index.js';

const RUNS = 5;

interface Fixture {
  readonly file: string;
  readonly committed: boolean;
  readonly bytes: number;
  readonly options: OnnxImportOptions;
}

const PLAN_RUNS = 3;
const POLL_MS = 20;
const UPLOAD_BYTES = 200 * 1000 * 1000;

/** The repository root: the nearest folder above this file with a package.json (tsx or tsc output). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const root = repositoryRoot();

/** The largest fixture on disk, with its import options. */
function largestFixture(): { path: string; options: OnnxImportOptions } {
  const manifest = JSON.parse(
    readFileSync(join(root, 'test/fixtures/onnx-real/fixtures.json'), 'utf8'),
  ) as { fixtures: Fixture[] };
  const cache = process.env['STRATA_ONNX_FIXTURES'] ?? join(root, '.cache/onnx-fixtures');
  const present = manifest.fixtures
    .map((f) => ({
      f,
      path: join(f.committed ? join(root, 'test/fixtures/onnx-real') : cache, f.file),
    }))
    .filter(({ path }) => existsSync(path))
    .sort((a, b) => b.f.bytes - a.f.bytes);
  const best = present[0];
  if (best === undefined) throw new Error('no ONNX fixture found');
  return { path: best.path, options: best.f.options };
}

export interface OnnxImportBench {
  readonly file: string;
  readonly fileBytes: number;
  readonly ops: number;
  readonly onnxNodes: number;
  readonly parameters: number;
  readonly forwardFlops: number;
  readonly repeatedBlocks: number;
  readonly medianMs: number;
  readonly readMs: number;
}

export function benchOnnxImport(path: string, options: OnnxImportOptions): OnnxImportBench {
  const bytes = new Uint8Array(readFileSync(path));
  buildOnnxGraph(readOnnxModel(bytes), options); // warm-up (JIT, schema setup)
  const times: number[] = [];
  const reads: number[] = [];
  let last: ReturnType<typeof buildOnnxGraph> | undefined;
  for (let k = 0; k < RUNS; k++) {
    const start = performance.now();
    const model = readOnnxModel(bytes);
    reads.push(performance.now() - start);
    last = buildOnnxGraph(model, options);
    times.push(performance.now() - start);
  }
  const summary = last?.summary;
  return {
    file: path.slice(path.lastIndexOf('/') + 1),
    fileBytes: bytes.byteLength,
    ops: summary?.ops ?? 0,
    onnxNodes: summary?.onnxNodes ?? 0,
    parameters: summary?.parameters ?? 0,
    forwardFlops: summary?.forwardFlops ?? 0,
    repeatedBlocks: last?.graph.repeatedBlocks?.length ?? 0,
    medianMs: median(times),
    readMs: median(reads),
  };
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Median seconds of a full plan of the imported graph on one DGX A100 (8 GPUs). */
async function benchPlan(path: string, options: OnnxImportOptions): Promise<string> {
  const catalog = loadProfileCatalog();
  const cluster = clusterFromPreset(catalog, 'dgx-a100-80gb', 1);
  const { graph } = buildOnnxGraph(readOnnxModel(new Uint8Array(readFileSync(path))), options);
  const times: number[] = [];
  let summary = '';
  for (let r = 0; r < PLAN_RUNS; r++) {
    const start = performance.now();
    const plan = await planOperatorGraph(graph, {
      device: cluster.device,
      numDevices: 8,
      gpusPerNode: 8,
      intraNode: cluster.intraNode,
      interNode: cluster.interNode,
      microBatches: 8,
      timeLimitSeconds: 60,
      memoryBudgetBytes: cluster.device.memoryBytes,
    });
    times.push((performance.now() - start) / 1000);
    const p = plan.stageProblems;
    summary =
      `${plan.stages.length} stages, ${plan.solver.status}; ILPs ${p.ilpSolves} / reused ` +
      `${p.reused} / composed ${p.composed}`;
  }
  return `plan of ${graph.nodes.length} ops on 8 × A100: median ${median(times).toFixed(2)} s of ${PLAN_RUNS} (${summary})`;
}

/** A single-file model of `bytes` bytes: x[8, k] · W[k, 1000] with W stored (zeros) in raw_data. */
function bigModel(bytes: number): Uint8Array {
  const k = Math.floor(bytes / 4 / 1000);
  return ModelProto.encode(
    ModelProto.fromObject({
      ir_version: 8,
      producer_name: 'strata-bench',
      opset_import: [{ domain: '', version: 18 }],
      graph: {
        name: 'big',
        node: [{ op_type: 'MatMul', input: ['x', 'w'], output: ['y'], name: 'mm' }],
        input: [
          {
            name: 'x',
            type: {
              tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 8 }, { dim_value: k }] } },
            },
          },
        ],
        output: [],
        initializer: [
          { name: 'w', dims: [k, 1000], data_type: 1, raw_data: new Uint8Array(k * 4000) },
        ],
      },
    }),
  ).finish();
}

/** The upload server (bench/upload-server.ts) in its own process, and its port. */
async function startUploadServer(): Promise<{ child: ChildProcess; port: number }> {
  const here = fileURLToPath(import.meta.url);
  const typescript = here.endsWith('.ts');
  const script = join(dirname(here), `upload-server.${typescript ? 'ts' : 'js'}`);
  const child = fork(script, [], { execArgv: typescript ? ['--import', 'tsx'] : [] });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  return { child, port };
}

/**
 * POST /v1/models/onnx, the body streamed in 1 MiB chunks with backpressure, so that this
 * process's event loop (which times /healthz) is not held by one 200 MB write.
 */
const upload = (port: number, body: Uint8Array): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/models/onnx',
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(body.byteLength),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    const chunk = 2 ** 20;
    Readable.from(
      (function* () {
        for (let at = 0; at < body.byteLength; at += chunk) yield body.subarray(at, at + chunk);
      })(),
    ).pipe(req);
  });

/** GET /healthz on a fresh connection (node:http, not fetch's pool shared with the upload). */
const healthz = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });

const ask = <T>(child: ChildProcess, message: string): Promise<T> =>
  new Promise((resolve) => {
    child.once('message', (m: T) => resolve(m));
    child.send(message);
  });

/**
 * Upload a 200 MB model to a server in another process while polling its /healthz; the upload's
 * time, the slowest /healthz answer, and the server's own worst event-loop delay meanwhile.
 */
async function benchUpload(): Promise<string> {
  const body = bigModel(UPLOAD_BYTES);
  const { child, port } = await startUploadServer();
  await healthz(port);
  child.send('reset');
  const health: number[] = [];
  let uploading = true;
  const poll = (async () => {
    while (uploading) {
      const start = performance.now();
      await healthz(port);
      health.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  const start = performance.now();
  const res = await upload(port, body);
  const answer = JSON.parse(res.text) as { parameters?: number };
  const seconds = (performance.now() - start) / 1000;
  uploading = false;
  await poll;
  const loop = await ask<{ maxMs: number; p99Ms: number }>(child, 'report');
  child.send('stop');
  const worst = Math.max(...health);
  return (
    `upload of a ${(body.byteLength / 1e6).toFixed(0)} MB model (HTTP ${res.status}, ` +
    `${answer.parameters ?? 0} parameters): ${seconds.toFixed(2)} s; /healthz during it: ` +
    `${health.length} answers, slowest ${worst.toFixed(1)} ms; server event-loop delay max ` +
    `${loop.maxMs.toFixed(1)} ms, p99 ${loop.p99Ms.toFixed(1)} ms`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const given = process.argv[2];
  const target =
    given === undefined
      ? largestFixture()
      : { path: given, options: JSON.parse(process.argv[3] ?? '{}') as OnnxImportOptions };
  const r = benchOnnxImport(target.path, target.options);
  console.log(
    `onnx-import ${r.file} (${(r.fileBytes / 2 ** 20).toFixed(1)} MiB, ${r.onnxNodes} ONNX nodes): ` +
      `${r.ops} ops, ${r.parameters} parameters, ${(r.forwardFlops / 1e9).toFixed(2)} GFLOP forward, ` +
      `${r.repeatedBlocks} repeated-block runs; median ${r.medianMs.toFixed(1)} ms of ${RUNS} ` +
      `(decode ${r.readMs.toFixed(1)} ms)`,
  );
  console.log(`  ${await benchPlan(target.path, target.options)}`);
  console.log(`  ${await benchUpload()}`);
}
