/**
 * Issue #4 benchmark: a full plan (stage DP + intra-op ILP per stage, HiGHS) of a 100-op
 * non-transformer graph — a ResNet-style CNN of conv2d / relu / add blocks with a linear head —
 * on 64 H100 GPUs (8 × dgx-h100). Run: node dist-bench/bench/graph-plan.js (npm run bench).
 */
import { pathToFileURL } from 'node:url';
import { parseOperatorGraph } from '../src/graph/operator-graph/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../src/hardware-profiles/index.js';
import { planOperatorGraph } from '../src/search/intra-op/index.js';

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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const catalog = loadProfileCatalog();
  const cluster = clusterFromPreset(catalog, 'dgx-h100', 8);
  const graph = parseOperatorGraph(resnetGraph(19));
  const start = performance.now();
  const plan = await planOperatorGraph(graph, {
    device: cluster.device,
    numDevices: 64,
    gpusPerNode: cluster.gpusPerNode,
    intraNode: cluster.intraNode,
    interNode: cluster.interNode,
    microBatches: 8,
    timeLimitSeconds: 60,
    memoryBudgetBytes: cluster.device.memoryBytes,
  });
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `full plan of a ${graph.nodes.length}-op ResNet-style graph on 64 × H100: ${seconds.toFixed(2)} s`,
  );
  console.log(
    `  stages: ${plan.stages.map((s) => `${s.ops.length} ops on ${s.mesh.join('×')}`).join(', ')}`,
  );
  console.log(
    `  predicted step ${plan.stepTimeSeconds.toFixed(3)} s; solver ${plan.solver.name} ${plan.solver.status}`,
  );
}
