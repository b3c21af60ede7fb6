/** planOperatorGraph end to end on the shipped examples. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOperatorGraph } from '../../src/graph/operator-graph/index.js';
import { GraphPlanningError, planOperatorGraph } from '../../src/search/intra-op/index.js';
import { DEVICE, NVLINK, SLOW_LINK } from './fixtures.js';

const example = (name: string) =>
  parseOperatorGraph(
    JSON.parse(readFileSync(new URL(`../../examples/graphs/${name}`, import.meta.url), 'utf8')),
  );
const BASE = {
  device: DEVICE,
  numDevices: 8,
  gpusPerNode: 4,
  intraNode: NVLINK,
  interNode: SLOW_LINK,
  microBatches: 4,
  // Generous: every per-stage ILP must reach optimality even on a loaded 2-core CI machine.
  timeLimitSeconds: 40,
  memoryBudgetBytes: 80 * 2 ** 30,
};

describe('planOperatorGraph', () => {
  it.each(['resnet-cnn.json', 'two-tower-multimodal.json'])(
    '%s: every op planned once, meshes cover the devices',
    async (name) => {
      const graph = example(name);
      const plan = await planOperatorGraph(graph, BASE);
      expect(plan.solver).toMatchObject({ name: 'highs', status: 'optimal' });
      expect(plan.ops.map((o) => o.id).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
      expect(plan.stages.reduce((s, st) => s + st.mesh[0] * st.mesh[1], 0)).toBe(8);
      const max = Math.max(...plan.stages.map((s) => s.latencySeconds));
      expect(plan.stepTimeSeconds).toBeCloseTo(
        plan.stages.reduce((s, st) => s + st.latencySeconds, 0) + 3 * max,
        12,
      );
      for (const op of plan.ops)
        for (const t of [...op.inputs, ...op.outputs])
          expect(t.layout).toMatch(/^(R|S0|S1|S01)(,(R|S0|S1|S01))*$/);
    },
  );

  it('throws GraphPlanningError when nothing fits', async () => {
    await expect(
      planOperatorGraph(example('resnet-cnn.json'), { ...BASE, memoryBudgetBytes: 1 }),
    ).rejects.toBeInstanceOf(GraphPlanningError);
  });
});
