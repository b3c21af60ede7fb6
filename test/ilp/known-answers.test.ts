/**
 * Known-answer planner tests (STYLE.md §11 f), after Alpa's
 * playground/auto_sharding_solver/test_solver_mlp.py: a 2-layer MLP with batch ≫ hidden must come
 * back data parallel costing two weight-gradient all-reduces; with hidden ≫ batch, Megatron
 * column then row costing one activation all-reduce.
 */
import { describe, expect, it } from 'vitest';
import { allReduceSeconds } from '../../src/costmodel/communication.js';
import { highsSolver } from '../../src/search/ilp/index.js';
import { formatLayout, type MeshShape } from '../../src/search/intra-op/layout.js';
import { solveIntraOp } from '../../src/search/intra-op/solve-intra-op.js';
import { DEVICE, mlpGraph, NVLINK } from './fixtures.js';

const BF16_BYTES = 2;
const OPTIONS = {
  solver: highsSolver,
  timeLimitSeconds: 30,
  mipGap: 0,
  memoryBudgetBytes: Infinity,
};
const MESHES: [string, MeshShape, 0 | 1][] = [
  ['1x4', [1, 4], 1],
  ['4x1', [4, 1], 0],
];

async function plan(batch: number, hidden: number, mesh: MeshShape) {
  const ctx = {
    mesh,
    links: [NVLINK, NVLINK] as const,
    device: DEVICE,
    training: true,
    temporal: false,
  };
  const result = await solveIntraOp(mlpGraph(batch, hidden), ctx, OPTIONS);
  expect(result.status).toBe('optimal');
  const byId = new Map((result.choices ?? []).map((c) => [c.node.id, c.strategy]));
  const comm = (result.choices ?? []).reduce((s, c) => s + c.strategy.commSeconds, 0);
  return { result, byId, comm };
}

describe.each(MESHES)('2-layer MLP on a %s mesh', (_name, mesh, axis) => {
  const s = `S${axis}`;

  it('batch ≫ hidden → data parallel, cost = two weight all-reduces', async () => {
    const [batch, hidden] = [65_536, 1024];
    const { result, byId, comm } = await plan(batch, hidden, mesh);
    expect(formatLayout(byId.get('fc1')?.inputLayouts[0] ?? [])).toBe(`${s},R`);
    expect(formatLayout(byId.get('fc1')?.inputLayouts[1] ?? [])).toBe('R,R');
    expect(formatLayout(byId.get('fc2')?.inputLayouts[1] ?? [])).toBe('R,R');
    const weightAllReduce = allReduceSeconds(hidden * hidden * BF16_BYTES, 4, NVLINK);
    expect(comm).toBeCloseTo(2 * weightAllReduce, 12);
    const compute = (result.choices ?? []).reduce((t, c) => t + c.strategy.computeSeconds, 0);
    expect(result.objectiveSeconds).toBeCloseTo(compute + 2 * weightAllReduce, 12);
  });

  it('hidden ≫ batch → Megatron column then row, cost = one activation all-reduce', async () => {
    const [batch, hidden] = [512, 8192];
    const { result, byId, comm } = await plan(batch, hidden, mesh);
    expect(formatLayout(byId.get('fc1')?.inputLayouts[1] ?? [])).toBe(`R,${s}`);
    expect(formatLayout(byId.get('fc2')?.inputLayouts[1] ?? [])).toBe(`${s},R`);
    expect(formatLayout(byId.get('fc2')?.outputLayouts[0] ?? [])).toBe('R,R');
    const activationAllReduce = allReduceSeconds(batch * hidden * BF16_BYTES, 4, NVLINK);
    expect(comm).toBeCloseTo(activationAllReduce, 12);
    const compute = (result.choices ?? []).reduce((t, c) => t + c.strategy.computeSeconds, 0);
    expect(result.objectiveSeconds).toBeCloseTo(compute + activationAllReduce, 12);
  });
});
