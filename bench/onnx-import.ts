/**
 * Issue #18 benchmark: import of the largest real ONNX fixture (test/fixtures/onnx-real/README.md)
 * present — the 10.8 MB PP-OCRv4 recogniser once `npm run fetch:onnx-fixtures` has cached it,
 * else the largest committed one — bytes → decoded model → operator graph (folding, shape
 * inference, costs, validation, repeated blocks). Reports ops, parameters and the median of
 * RUNS imports after a warm-up.
 * Run: npx tsx bench/onnx-import.ts [file.onnx [options-json]]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildOnnxGraph, readOnnxModel, type OnnxImportOptions } from '../src/graph/onnx/index.js';

const RUNS = 5;

interface Fixture {
  readonly file: string;
  readonly committed: boolean;
  readonly bytes: number;
  readonly options: OnnxImportOptions;
}

const root = join(fileURLToPath(import.meta.url), '..', '..');

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
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
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
}
