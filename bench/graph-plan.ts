/**
 * Issues #4 and #13 benchmark: full operator-graph plans (stage DP + intra-op ILP per stage,
 * HiGHS) — a 100-op ResNet-style CNN (conv2d / relu / add blocks, linear head) on 64 H100 GPUs
 * (8 × dgx-h100), and 300- and 1,000-op transformer-MLP chains on one DGX A100 (8 GPUs), each
 * with the stage-cost shortcuts (identical ranges reused, ranges composed from their parts, ILPs
 * warm-started) and without them (one ILP per layer range and sub-mesh, the previous planner):
 * the same step time, and the time each took. Medians of 3 runs after a warm-up.
 * Run: node dist-bench/bench/graph-plan.js (npm run bench).
 */
import { pathToFileURL } from 'node:url';
import { parseOperatorGraph } from '../src/graph/operator-graph/index.js';
import type { OperatorGraph } from '../src/graph/operator-graph/index.js';
import {
  clusterFromPreset,
  loadProfileCatalog,
  type ClusterProfile,
} from '../src/hardware-profiles/index.js';
import {
  planOperatorGraph,
  type OperatorGraphPlan,
  type PlanGraphOptions,
} from '../src/search/intra-op/index.js';
import { mlpChainGraph, resnetGraph } from './synthetic-graphs.js';

const RUNS = 3;
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Median seconds of RUNS full plans, and the last plan. */
async function timePlan(
  graph: OperatorGraph,
  options: PlanGraphOptions,
  runs = RUNS,
): Promise<{ seconds: number; plan: OperatorGraphPlan }> {
  const times: number[] = [];
  let plan: OperatorGraphPlan | undefined;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    plan = await planOperatorGraph(graph, options);
    times.push((performance.now() - start) / 1000);
  }
  return { seconds: median(times), plan: plan as OperatorGraphPlan };
}

const describePlan = (plan: OperatorGraphPlan): string =>
  `step ${plan.stepTimeSeconds.toExponential(6)} s, ${plan.solver.status}, ${plan.layers} layers, ` +
  `ILPs ${plan.stageProblems.ilpSolves} / reused ${plan.stageProblems.reused} / composed ` +
  `${plan.stageProblems.composed}; stages ${plan.stages.map((s) => `${s.ops.length}@${s.mesh.join('×')}`).join(' ')}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const catalog = loadProfileCatalog();
  await planOperatorGraph(parseOperatorGraph(mlpChainGraph(10)), {
    ...clusterOptions(clusterFromPreset(catalog, 'dgx-a100-80gb', 1)),
    microBatches: 2,
    timeLimitSeconds: 10,
  }); // warm-up: HiGHS WASM load, JIT
  const h100 = clusterFromPreset(catalog, 'dgx-h100', 8);
  const resnet = parseOperatorGraph(resnetGraph(19));
  const big = await timePlan(resnet, {
    ...clusterOptions(h100),
    microBatches: 8,
    timeLimitSeconds: 60,
  });
  console.log(
    `${resnet.nodes.length}-op ResNet-style graph on 64 × H100: median ${big.seconds.toFixed(2)} s of ${RUNS}; ${describePlan(big.plan)}`,
  );
  // Issue #13 item 4: 300 ops on 8 GPUs < 5 s, 1,000 ops < 15 s (one DGX A100).
  const a100 = clusterFromPreset(catalog, 'dgx-a100-80gb', 1);
  for (const numOps of [300, 1000]) {
    const graph = parseOperatorGraph(mlpChainGraph(numOps));
    const options = { ...clusterOptions(a100), microBatches: 8, timeLimitSeconds: 60 };
    for (const reuse of [true, false]) {
      const r = await timePlan(graph, { ...options, reuse }, reuse ? RUNS : 1);
      console.log(
        `${numOps}-op MLP chain on 8 × A100 (${reuse ? 'reuse + composition + warm start' : 'one ILP per range, as before'}): ` +
          `${reuse ? `median ${r.seconds.toFixed(2)} s of ${RUNS}` : `${r.seconds.toFixed(2)} s (1 run)`}; ${describePlan(r.plan)}`,
      );
    }
  }
}

function clusterOptions(cluster: ClusterProfile) {
  return {
    device: cluster.device,
    numDevices: cluster.gpusPerNode * cluster.numNodes,
    gpusPerNode: cluster.gpusPerNode,
    intraNode: cluster.intraNode,
    interNode: cluster.interNode,
    memoryBudgetBytes: cluster.device.memoryBytes,
  };
}
