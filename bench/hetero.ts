/**
 * Planning time of the heterogeneous planner (npx tsx bench/hetero.ts). Prints numbers only: the
 * whole plan, candidates, exact or the stated gap, and how much of the time is v1's search on the
 * one group the planner always plans (issue #13: the 3-type llama3-70b case, goal < 5 s).
 */
import type { TrainingConfig } from '../src/costmodel/index.js';
import { buildModelGraph } from '../src/graph/index.js';
import { findModel } from '../src/hardware-profiles/index.js';
import { heteroClusterFromSpec, heteroWorldSize } from '../src/hardware-profiles/hetero.js';
import type { HeteroClusterSpec } from '../src/hardware-profiles/hetero.js';
import type { ClusterProfile } from '../src/hardware-profiles/index.js';
import { planTraining } from '../src/search/index.js';
import { planHeterogeneous } from '../src/search/hetero/index.js';
import { baselineOrder, v1Problem } from '../src/search/hetero/baselines.js';
import { catalog, fixedTraining, zooGraph } from '../test/fixtures/planning.js';

const graph = zooGraph('llama3-8b', 4096);
const training = fixedTraining(1024, 4096);
/** 48 dgx-h100 + 48 dgx-a100 + 32 dgx-v100 nodes (1,024 GPUs), 50 GB/s between the groups. */
const THREE_TYPE: HeteroClusterSpec = {
  groups: [
    { preset: 'dgx-h100', nodes: 48 },
    { preset: 'dgx-a100-80gb', nodes: 48 },
    { preset: 'dgx-v100', nodes: 32 },
  ],
  interGroup: { bandwidthGBps: 50, latencyMicroseconds: 15 },
};
const cases: [string, HeteroClusterSpec][] = [
  ['3-type 1,024 GPUs', THREE_TYPE],
  [
    '2-type 4,096 GPUs',
    {
      groups: [
        { preset: 'dgx-h100', nodes: 256 },
        { preset: 'dgx-a100-80gb', nodes: 256 },
      ],
      interGroup: { bandwidthGBps: 100, latencyMicroseconds: 15 },
    },
  ],
];
// Issue #13's case: llama3-70b, global batch 2048, seq 8192 on the 3-type cluster (goal < 5 s).
const issue13Graph = buildModelGraph(findModel(catalog, 'llama3-70b').spec, 8192);
const issue13Training = { ...training, globalBatchSize: 2048, sequenceLength: 8192 };
const runs: [string, HeteroClusterSpec, typeof graph, TrainingConfig][] = [
  ...cases.map(([name, spec]): [string, HeteroClusterSpec, typeof graph, TrainingConfig] => [
    `llama3-8b, ${name}`,
    spec,
    graph,
    training,
  ]),
  [
    'llama3-70b gbs 2048 seq 8192, 48 dgx-h100 + 48 dgx-a100 + 32 dgx-v100',
    THREE_TYPE,
    issue13Graph,
    issue13Training,
  ],
];
for (const [name, spec, g, t] of runs) {
  const cluster = heteroClusterFromSpec(catalog, spec);
  const started = performance.now();
  const r = planHeterogeneous({
    graph: g,
    cluster,
    training: t,
    objective: 'fastest',
    prices: { 'nvidia-v100-sxm2-32gb': 0.6 },
  });
  const seconds = (performance.now() - started) / 1000;
  const exactness = r.search.truncated
    ? `truncated, lower bound ${r.search.lowerBoundSeconds.toFixed(3)} s (gap ${(100 * r.search.gapFraction).toFixed(1)}%)`
    : 'exact';
  console.log(
    `${name} (${heteroWorldSize(cluster)} GPUs): ${seconds.toFixed(2)} s; best ${r.best.kind} step ${r.best.stepTimeSeconds.toFixed(3)} s on ${r.best.gpusPerGroup.join('+')} GPUs; candidates ${r.search.candidates}, feasible ${r.search.feasible}, pruned ${r.search.pruned}; ${exactness}`,
  );
  // The part of that time spent by v1 on the one group the planner always plans (the lowest
  // compute bound), for reading the rest as the heterogeneous search's own.
  const x = { graph: g, cluster, training: t, prices: {} };
  const [first] = baselineOrder(x, 'fastest');
  const v1Started = performance.now();
  const v1 = planTraining(
    v1Problem(
      { graph: g, cluster, training: t, objective: 'fastest' },
      cluster.groups[first ?? 0] as ClusterProfile,
    ),
  );
  console.log(
    `  of which v1 on group ${first} alone (${cluster.groups[first ?? 0]?.device.id}): ${((performance.now() - v1Started) / 1000).toFixed(2)} s, ${v1.search.candidates} candidates`,
  );
}
