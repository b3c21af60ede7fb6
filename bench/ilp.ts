/**
 * ILP solve time per adapter on transformer-MLP-like chains of 100 / 300 / 1,000 ops
 * (blocks of linear → gelu → linear → add → layernorm) on a 2×4 mesh, after a warm-up solve (the
 * first HiGHS call loads its WASM module). Run: npx tsx bench/ilp.ts
 */
import { parseOperatorGraph } from '../src/graph/operator-graph/index.js';
import type { DeviceProfile, LinkProfile } from '../src/hardware-profiles/types.js';
import {
  buildShardingIlp,
  highsSolver,
  lpSolverSolver,
  solveSharding,
  type Solver,
} from '../src/search/ilp/index.js';
import { buildIntraOpProblem } from '../src/search/intra-op/index.js';
import { DEVICE as TEST_DEVICE, NVLINK } from '../test/ilp/fixtures.js';
import { mlpChainGraph } from './synthetic-graphs.js';

/**
 * The ILP tests' device with this benchmark's stepped matmul curve (the tests' is flat), so the
 * timings stay comparable with earlier runs.
 */
const DEVICE: DeviceProfile = {
  ...TEST_DEVICE,
  matmulEfficiency: [
    { minSize: 0, efficiency: 0.5 },
    { minSize: 1e9, efficiency: 0.7 },
  ],
};
const IB: LinkProfile = { bandwidthBytesPerSecond: 50e9, latencySeconds: 5e-6, efficiency: 0.9 };

const chain = (numOps: number) => parseOperatorGraph(mlpChainGraph(numOps));

const ctx = { mesh: [2, 4] as const, links: [IB, NVLINK] as const, device: DEVICE, training: true };
const rows: string[][] = [
  ['adapter', 'ops', 'variables', 'constraints', 'build s', 'solve s', 'status', 'objective s'],
];
// Warm-up: the first HiGHS solve loads its WASM module; keep that out of the 100-op row.
await solveSharding(buildIntraOpProblem(chain(10), ctx, Infinity).tables, highsSolver, {
  timeLimitSeconds: 60,
  mipGap: 0,
});
const runs: [Solver, number][] = [
  [highsSolver, 100],
  [highsSolver, 300],
  [highsSolver, 1000],
  [lpSolverSolver, 100],
];
for (const [solver, numOps] of runs) {
  const t0 = performance.now();
  const problem = buildIntraOpProblem(chain(numOps), ctx, Infinity);
  const model = buildShardingIlp(problem.tables).model;
  const t1 = performance.now();
  const result = await solveSharding(problem.tables, solver, { timeLimitSeconds: 60, mipGap: 0 });
  const t2 = performance.now();
  rows.push([
    solver.name,
    String(numOps),
    String(model.variables.length),
    String(model.constraints.length),
    ((t1 - t0) / 1000).toFixed(2),
    ((t2 - t1) / 1000).toFixed(2),
    result.status + (result.violation ? ` (${result.violation})` : ''),
    (result.objectiveSeconds ?? NaN).toExponential(4),
  ]);
}
const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
for (const r of rows) console.log(r.map((x, c) => x.padEnd(widths[c] ?? 0)).join('  '));
