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

type Tensor = { shape: number[]; parameter?: boolean };
type Node = {
  id: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
};

/** Stem (2 ops), `blocks` residual blocks of conv → relu → conv → add → relu (5 ops each), pool, head, softmax: 19 blocks = 100 ops. */
export function resnetGraph(blocks: number, batch = 256, channels = 256, size = 28) {
  const tensors: Record<string, Tensor> = { image: { shape: [batch, 3, size, size] } };
  const nodes: Node[] = [];
  const act = [batch, channels, size, size];
  const conv = (id: string, input: string, inChannels: number): string => {
    tensors[`${id}_w`] = { shape: [channels, inChannels, 3, 3], parameter: true };
    tensors[id] = { shape: act };
    nodes.push({
      id,
      op: 'conv2d',
      inputs: [input, `${id}_w`],
      outputs: [id],
      attributes: { stride: 1, padding: 1 },
    });
    return id;
  };
  const unary = (id: string, op: string, input: string): string => {
    tensors[id] = { shape: act };
    nodes.push({ id, op, inputs: [input], outputs: [id] });
    return id;
  };
  let x = unary('stem_relu', 'relu', conv('stem', 'image', 3));
  for (let b = 0; b < blocks; b++) {
    const c1 = unary(`b${b}_r1`, 'relu', conv(`b${b}_c1`, x, channels));
    const c2 = conv(`b${b}_c2`, c1, channels);
    tensors[`b${b}_sum`] = { shape: act };
    nodes.push({ id: `b${b}_add`, op: 'add', inputs: [c2, x], outputs: [`b${b}_sum`] });
    x = unary(`b${b}_r2`, 'relu', `b${b}_sum`);
  }
  tensors['pooled'] = { shape: [batch, channels] };
  nodes.push({
    id: 'pool',
    op: 'reduce',
    inputs: [x],
    outputs: ['pooled'],
    attributes: { axes: [2, 3] },
  });
  tensors['head_w'] = { shape: [channels, 1000], parameter: true };
  tensors['logits'] = { shape: [batch, 1000] };
  nodes.push({ id: 'head', op: 'matmul', inputs: ['pooled', 'head_w'], outputs: ['logits'] });
  tensors['probs'] = { shape: [batch, 1000] };
  nodes.push({ id: 'softmax', op: 'softmax', inputs: ['logits'], outputs: ['probs'] });
  return { tensors, nodes };
}

/** Transformer-MLP-like chain (blocks of linear → gelu → linear → add → layernorm), as bench/ilp.ts. */
export function mlpChainGraph(numOps: number, batch = 2048, hidden = 1024) {
  const tensors: Record<string, Tensor> = { t0: { shape: [batch, hidden] } };
  const nodes: Node[] = [];
  let cur = 't0';
  let residual = 't0';
  const kinds = ['linear', 'gelu', 'linear', 'add', 'layernorm'];
  for (let i = 0; i < numOps; i++) {
    const kind = kinds[i % kinds.length] as string;
    const out = `t${i + 1}`;
    const wide = kind === 'linear' && i % 5 === 0;
    tensors[out] = { shape: [batch, wide || kind === 'gelu' ? 4 * hidden : hidden] };
    if (kind === 'linear') {
      const inDim = tensors[cur]?.shape[1] ?? hidden;
      tensors[`w${i}`] = { shape: [inDim, tensors[out].shape[1] ?? hidden], parameter: true };
      nodes.push({ id: `op${i}`, op: kind, inputs: [cur, `w${i}`], outputs: [out] });
    } else if (kind === 'add')
      nodes.push({ id: `op${i}`, op: kind, inputs: [cur, residual], outputs: [out] });
    else nodes.push({ id: `op${i}`, op: kind, inputs: [cur], outputs: [out] });
    if (kind === 'layernorm') residual = out;
    cur = out;
  }
  return { tensors, nodes };
}

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
