/**
 * Real ONNX exports from public npm packages (test/fixtures/onnx-real/README.md): each imports
 * to a valid operator graph, and its weights round-trip: the importer's breakdown (parameters +
 * buffers + unused) adds up to the file's stored float weights counted by an independent decoder,
 * and the graph's parameter tensors hold exactly the parameters it reports; and each plans on 8
 * GPUs (one DGX A100) through the service as an upload planned by graphId. Fetched fixtures are
 * skipped, with the reason, when the cache does not have them (`.ci/run` fetches them first).
 */
import { describe, expect, it } from 'vitest';
import { importOnnxModel, readOnnxModel, summarizeOnnxModel } from '../../src/graph/onnx/index.js';
import { planOperatorGraph } from '../../src/search/intra-op/index.js';
import { GraphPlanResponse, type PlanRequest } from '../../src/contract/index.js';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { createPlanCache, createPlanner } from '../../src/service/index.js';
import { DEVICE, NVLINK, SLOW_LINK } from '../ilp/fixtures.js';
import {
  ABSENT_REASON,
  REAL_FIXTURES,
  fixturePath,
  independentWeightCount,
  readFixture,
} from './real-fixtures.js';

const parameterElements = (
  tensors: Record<string, { shape: readonly number[]; parameter: boolean }>,
): number =>
  Object.values(tensors)
    .filter((t) => t.parameter)
    .reduce((s, t) => s + t.shape.reduce((p, d) => p * d, 1), 0);

describe('real ONNX models from npm packages', () => {
  it('covers at least 8 files, PyTorch, Paddle and TF exporters, CNNs, speech and a transformer encoder', () => {
    expect(REAL_FIXTURES.length).toBeGreaterThanOrEqual(8);
    const text = REAL_FIXTURES.map((f) => `${f.exporter} ${f.kind}`).join('\n');
    for (const word of [
      'PyTorch',
      'Paddle2ONNX',
      'tf2onnx',
      'CNN',
      'speech',
      'transformer encoder',
    ])
      expect(text).toContain(word);
  });

  for (const f of REAL_FIXTURES)
    it(`${f.file} imports and round-trips its weights`, (ctx) => {
      const path = fixturePath(f);
      if (path === undefined) {
        ctx.skip(`${f.file} ${ABSENT_REASON}`);
        return;
      }
      const bytes = readFixture(path);
      const { graph, summary } = importOnnxModel(bytes, f.options);
      expect(graph.nodes.length).toBeGreaterThan(0);
      expect(
        graph.nodes.every((n) => n.cost !== undefined && Number.isFinite(n.cost.forwardFlops)),
      ).toBe(true);
      expect(summary.forwardFlops).toBeGreaterThan(0);
      const total = independentWeightCount(bytes);
      expect(summary.weights.total).toBe(total);
      const { parameters, buffers, unused } = summary.weights;
      expect(parameters + buffers + unused).toBe(total);
      expect(summary.parameters).toBe(parameters);
      expect(parameterElements(graph.tensors)).toBe(parameters);
      // Only models with an If on an input (silero's sample rate) leave weights unread: the branch not taken.
      if (!f.kind.includes('If')) expect(unused).toBe(0);
      else expect(parameters).toBeGreaterThan(0);
      expect(summarizeOnnxModel(readOnnxModel(bytes)).parameters).toBe(total);
    });
});

describe('every real model plans on 8 GPUs through the service (upload, then model.graphId)', () => {
  const catalog = loadProfileCatalog();
  const planner = createPlanner({ catalog, pool: undefined, cache: createPlanCache() });

  for (const f of REAL_FIXTURES)
    it(`${f.file}`, async (ctx) => {
      const path = fixturePath(f);
      if (path === undefined) {
        ctx.skip(`${f.file} ${ABSENT_REASON}`);
        return;
      }
      const bytes = readFixture(path);
      const upload = await planner.uploadOnnx(bytes);
      expect(upload.parameters).toBe(independentWeightCount(bytes));
      const { sequenceLength, ...binding } = f.options;
      const { stored } = await planner.plan({
        model: { graphId: upload.graphId, ...binding } as PlanRequest['model'],
        cluster: { preset: 'dgx-a100-80gb', nodes: 1 },
        training: { globalBatchSize: 8, sequenceLength: sequenceLength ?? 1 },
      });
      const plan = GraphPlanResponse.parse(JSON.parse(Buffer.from(stored.responseJson).toString()));
      const { graph } = importOnnxModel(bytes, f.options);
      expect(plan.best.worldSize).toBe(8);
      expect(plan.best.stages.reduce((s, st) => s + (st.mesh[0] ?? 0) * (st.mesh[1] ?? 0), 0)).toBe(
        8,
      );
      expect(plan.best.ops.map((o) => o.id).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
      expect(plan.best.estimate.stepTimeSeconds).toBeGreaterThan(0);
      expect(plan.search.status).toBe('optimal');
    }, 120_000);
});

describe('an imported real model plans', () => {
  it('hello_deepa.onnx (PyTorch 2.8, decomposed LayerNorm) through the intra-op ILP + stage DP', async () => {
    const f = REAL_FIXTURES.find((x) => x.file === 'hello_deepa.onnx');
    const path = f === undefined ? undefined : fixturePath(f);
    if (f === undefined || path === undefined) throw new Error('hello_deepa.onnx is committed');
    const { graph } = importOnnxModel(readFixture(path), { batchSize: 8 });
    const plan = await planOperatorGraph(graph, {
      device: DEVICE,
      numDevices: 2,
      gpusPerNode: 2,
      intraNode: NVLINK,
      interNode: SLOW_LINK,
      microBatches: 4,
      timeLimitSeconds: 40,
      memoryBudgetBytes: 80 * 2 ** 30,
    });
    expect(plan.ops.map((o) => o.id).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(plan.stepTimeSeconds).toBeGreaterThan(0);
  });
});
