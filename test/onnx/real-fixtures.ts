/**
 * The real ONNX fixtures (test/fixtures/onnx-real/fixtures.json): where each file is (committed
 * here, or fetched into the cache by `npm run fetch:onnx-fixtures`), and an independent count of
 * its stored float weights, decoded with a different protobuf library (protobuf-es, the
 * `onnx-buf` schema) than the importer's (protobufjs).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelProtoSchema, type GraphProto, type NodeProto } from 'onnx-buf';
import type { OnnxImportOptions } from '../../src/graph/onnx/index.js';

export interface RealFixture {
  readonly file: string;
  readonly package: string;
  readonly version: string;
  readonly committed: boolean;
  readonly exporter: string;
  readonly kind: string;
  readonly bytes: number;
  readonly options: OnnxImportOptions;
}

const here = dirname(fileURLToPath(import.meta.url));
function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
const fixtureDir = join(here, '..', 'fixtures', 'onnx-real');
const cacheDir =
  process.env['STRATA_ONNX_FIXTURES'] ?? join(here, '..', '..', '.cache', 'onnx-fixtures');

export const REAL_FIXTURES: readonly RealFixture[] = (
  JSON.parse(readFileSync(join(fixtureDir, 'fixtures.json'), 'utf8')) as { fixtures: RealFixture[] }
).fixtures;

/** The fixture's path, or undefined when a fetched fixture is not in the cache. */
export function fixturePath(f: RealFixture): string | undefined {
  const path = join(f.committed ? fixtureDir : cacheDir, f.file);
  return existsSync(path) ? path : undefined;
}

export const readFixture = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

/** Why a fetched fixture is skipped. */
export const ABSENT_REASON = `not in ${cacheDir}: run \`npm run fetch:onnx-fixtures\` (npm registry)`;

const FLOAT_TYPES = new Set([1, 10, 11, 16, 17, 18, 19, 20]);
const elements = (dims: readonly bigint[]): number => dims.reduce((p, d) => p * Number(d), 1);

function countGraph(g: GraphProto | undefined): number {
  if (g === undefined) return 0;
  let total = 0;
  for (const t of g.initializer)
    if (FLOAT_TYPES.has(t.dataType) && t.dims.length > 0) total += elements(t.dims);
  for (const s of g.sparseInitializer) {
    const v = s.values;
    if (v !== undefined && FLOAT_TYPES.has(v.dataType) && s.dims.length > 0)
      total += elements(s.dims);
  }
  for (const n of g.node) total += countNode(n);
  return total;
}

function countNode(n: NodeProto): number {
  let total = 0;
  for (const a of n.attribute) {
    const t = a.t;
    if (
      n.opType === 'Constant' &&
      t !== undefined &&
      FLOAT_TYPES.has(t.dataType) &&
      t.dims.length > 0
    )
      total += elements(t.dims);
    total += countGraph(a.g);
    for (const g of a.graphs) total += countGraph(g);
  }
  return total;
}

/**
 * Σ elements of every float initializer (sparse ones at their dense dims) and float `Constant`
 * value of rank ≥ 1, subgraphs included: what the importer's weight breakdown must add up to.
 */
export function independentWeightCount(bytes: Uint8Array): number {
  const model = fromBinary(ModelProtoSchema, bytes);
  return (
    countGraph(model.graph) +
    model.functions.reduce((s, f) => s + f.node.reduce((t, n) => t + countNode(n), 0), 0)
  );
}
