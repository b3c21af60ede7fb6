/** Shared fixtures of the ILP tests: a device, links, graph builders, a seeded PRNG, brute force. */
import type { OperatorGraph } from '../../src/graph/operator-graph/index.js';
import { parseOperatorGraph } from '../../src/graph/operator-graph/index.js';
import type { ShardingTables } from '../../src/search/ilp/index.js';
import { evaluateChoices } from '../../src/search/ilp/index.js';
import type { DeviceProfile, LinkProfile } from '../../src/hardware-profiles/types.js';

/** An H100-like device (dense BF16 989 TFLOP/s, 3.35 TB/s HBM) with a flat efficiency curve. */
export const DEVICE: DeviceProfile = {
  id: 'test-gpu',
  name: 'Test GPU',
  vendor: 'test',
  peakFlopsPerSecond: { bf16: 989e12 },
  memoryBytes: 80 * 2 ** 30,
  memoryBandwidthBytesPerSecond: 3.35e12,
  matmulEfficiency: [{ minSize: 0, efficiency: 0.7 }],
  memoryEfficiency: [{ minSize: 0, efficiency: 0.8 }],
  attentionEfficiencyFactor: 1,
  runtimeMemory: {
    contextBytes: 0,
    ncclBytesPerCommunicator: 0,
    allocatorFragmentationFraction: 0,
  },
  overlapInterferenceFraction: 0,
  tdpWatts: 700,
  priceUsdPerGpuHour: null,
  source: 'test fixture',
  notes: 'flat efficiency so that equal shard counts give equal compute',
};

export const NVLINK: LinkProfile = {
  bandwidthBytesPerSecond: 450e9,
  latencySeconds: 2e-6,
  efficiency: 0.8,
};
export const SLOW_LINK: LinkProfile = {
  bandwidthBytesPerSecond: 100e9,
  latencySeconds: 5e-6,
  efficiency: 0.9,
};

/** X[batch, hidden] → linear(W1[hidden, hidden]) → relu → linear(W2[hidden, hidden]). */
export function mlpGraph(batch: number, hidden: number): OperatorGraph {
  return parseOperatorGraph({
    tensors: {
      x: { shape: [batch, hidden] },
      w1: { shape: [hidden, hidden], parameter: true },
      h: { shape: [batch, hidden] },
      a: { shape: [batch, hidden] },
      w2: { shape: [hidden, hidden], parameter: true },
      y: { shape: [batch, hidden] },
    },
    nodes: [
      { id: 'fc1', op: 'linear', inputs: ['x', 'w1'], outputs: ['h'] },
      { id: 'act', op: 'relu', inputs: ['h'], outputs: ['a'] },
      { id: 'fc2', op: 'linear', inputs: ['a', 'w2'], outputs: ['y'] },
    ],
  });
}

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random DAG tables: ≤ maxNodes nodes × ≤ maxStrategies strategies, edges u < v. */
export function randomTables(
  seed: number,
  maxNodes: number,
  maxStrategies: number,
  withBudget: boolean,
): ShardingTables {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const n = int(2, maxNodes);
  const counts = Array.from({ length: n }, () => int(1, maxStrategies));
  const nodeCostSeconds = counts.map((c) =>
    Array.from({ length: c }, () => Math.round(rand() * 100) / 10),
  );
  const nodeMemoryBytes = counts.map((c) => Array.from({ length: c }, () => int(1, 10)));
  const edges = [];
  for (let v = 1; v < n; v++) {
    for (let u = 0; u < v; u++) {
      if (u !== v - 1 && rand() > 0.3) continue;
      const reshardCostSeconds = Array.from({ length: counts[u] ?? 1 }, () =>
        Array.from({ length: counts[v] ?? 1 }, () =>
          rand() < 0.3 ? 0 : Math.round(rand() * 100) / 10,
        ),
      );
      edges.push({ from: u, to: v, reshardCostSeconds });
    }
  }
  const minMemory = nodeMemoryBytes.reduce((s, m) => s + Math.min(...m), 0);
  const memoryBudgetBytes = withBudget ? minMemory + int(0, 2 * n) : Infinity;
  return { nodeCostSeconds, nodeMemoryBytes, edges, memoryBudgetBytes };
}

/** Brute force over every assignment; returns the best objective (Infinity if none fits). */
export function exhaustiveOptimum(tables: ShardingTables): number {
  const counts = tables.nodeCostSeconds.map((c) => c.length);
  const choice = counts.map(() => 0);
  let best = Infinity;
  for (;;) {
    const { objectiveSeconds, memoryBytes } = evaluateChoices(tables, choice);
    if (memoryBytes <= tables.memoryBudgetBytes && objectiveSeconds < best) best = objectiveSeconds;
    let v = 0;
    while (v < choice.length && (choice[v] = ((choice[v] ?? 0) + 1) % (counts[v] ?? 1)) === 0) v++;
    if (v === choice.length) return best;
  }
}
