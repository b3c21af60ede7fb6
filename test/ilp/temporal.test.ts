/**
 * PrimePar spatial-temporal strategy (Wang et al. ASPLOS'24): on a slow link, a large matmul whose
 * input needs a gradient is cheaper as a ring-rotated temporal-row matmul than any ordinary
 * strategy, and the ILP picks it.
 */
import { describe, expect, it } from 'vitest';
import { parseOperatorGraph } from '../../src/graph/operator-graph/index.js';
import { highsSolver } from '../../src/search/ilp/index.js';
import { solveIntraOp } from '../../src/search/intra-op/solve-intra-op.js';
import { DEVICE, SLOW_LINK } from './fixtures.js';

const [M, K, N] = [4096, 16_384, 16_384];
const graph = parseOperatorGraph({
  tensors: {
    x: { shape: [M, K] },
    a: { shape: [M, K] },
    w: { shape: [K, N], parameter: true },
    y: { shape: [M, N] },
    z: { shape: [M, N] },
  },
  nodes: [
    { id: 'pre', op: 'gelu', inputs: ['x'], outputs: ['a'] },
    { id: 'mm', op: 'matmul', inputs: ['a', 'w'], outputs: ['y'] },
    { id: 'post', op: 'relu', inputs: ['y'], outputs: ['z'] },
  ],
});
const OPTIONS = {
  solver: highsSolver,
  timeLimitSeconds: 30,
  mipGap: 0,
  memoryBudgetBytes: Infinity,
};

describe('spatial-temporal matmul on a slow link (1×4 mesh)', () => {
  const ctx = {
    mesh: [1, 4] as const,
    links: [SLOW_LINK, SLOW_LINK] as const,
    device: DEVICE,
    training: true,
  };

  it('beats every ordinary strategy and the ILP picks it', async () => {
    const withTemporal = await solveIntraOp(graph, ctx, OPTIONS);
    const ordinary = await solveIntraOp(graph, { ...ctx, temporal: false }, OPTIONS);
    expect(withTemporal.status).toBe('optimal');
    const mm = withTemporal.choices?.find((c) => c.node.id === 'mm')?.strategy;
    expect(mm?.temporal).toEqual({ steps: 4 });
    expect(withTemporal.objectiveSeconds ?? Infinity).toBeLessThan(ordinary.objectiveSeconds ?? 0);
    const mmStrategies = withTemporal.problem.strategies[1] ?? [];
    const best = (temporal: boolean): number =>
      Math.min(
        ...mmStrategies
          .filter((s) => (s.temporal !== undefined) === temporal)
          .map((s) => s.computeSeconds + s.commSeconds),
      );
    expect(best(true)).toBeLessThan(best(false));
  });

  it('holds less of the output than row parallel (1/steps resident + a receive buffer)', async () => {
    const plan = await solveIntraOp(graph, ctx, OPTIONS);
    const strategies = plan.problem.strategies[1] ?? [];
    const temporal = strategies.find((s) => s.name === 'temporal-row@S1');
    const row = strategies.find((s) => s.name === 'k@S1');
    expect(temporal && row).toBeTruthy();
    expect(temporal?.memoryBytes ?? Infinity).toBeLessThan(row?.memoryBytes ?? 0);
  });
});
