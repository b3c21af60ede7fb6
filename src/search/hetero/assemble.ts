/**
 * HeteroPlan construction from the three plan kinds, and launcher hints: Megatron's
 * --pipeline-model-parallel-layout string plus what stock launchers cannot express.
 */
import { formatPipelineLayout } from '../../plan/index.js';
import { peakFlopsPerSecond, modelFlopsPerStep } from '../../costmodel/index.js';
import type { TrainingConfig } from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { HeterogeneousCluster, ClusterProfile } from '../../hardware-profiles/index.js';
import { SECONDS_PER_HOUR } from '../../base/index.js';
import { worldSize } from '../../hardware-profiles/index.js';
import type {
  Plan,
  HeteroPlan,
  HeteroReplica,
  HeteroStage,
  LauncherHints,
} from '../../plan/index.js';
import type { DataParallelEvaluation } from './data-parallel.js';
import type { PipelineEvaluation } from './pipeline.js';
import type { PriceTable } from './types.js';

export interface AssemblyContext {
  readonly graph: ModelGraph;
  readonly cluster: HeterogeneousCluster;
  readonly training: TrainingConfig;
  readonly prices: PriceTable;
}

/** $/GPU-hour of a group's accelerator: the override table first, then the device profile. */
export function groupPriceUsdPerGpuHour(
  x: Pick<AssemblyContext, 'prices'>,
  g: ClusterProfile,
): number | null {
  return x.prices[g.device.id] ?? g.device.priceUsdPerGpuHour;
}

/** First global rank of each group (groups numbered in cluster order). */
function groupRankOffsets(cluster: HeterogeneousCluster): number[] {
  const offsets: number[] = [];
  let next = 0;
  for (const g of cluster.groups) {
    offsets.push(next);
    next += worldSize(g);
  }
  return offsets;
}

function metrics(x: AssemblyContext, stepTimeSeconds: number, gpusPerGroup: readonly number[]) {
  let peak = 0;
  let dollarsPerHour: number | null = 0;
  gpusPerGroup.forEach((n, g) => {
    const group = x.cluster.groups[g] as ClusterProfile;
    if (n === 0) return;
    peak += n * peakFlopsPerSecond(group.device, x.training.precision);
    const price = groupPriceUsdPerGpuHour(x, group);
    dollarsPerHour = price === null || dollarsPerHour === null ? null : dollarsPerHour + n * price;
  });
  const cost: number | null = dollarsPerHour;
  return {
    stepTimeSeconds,
    costUsdPerHour: cost,
    costUsdPerStep: cost === null ? null : (stepTimeSeconds * cost) / SECONDS_PER_HOUR,
    tokensPerSecond: (x.training.globalBatchSize * x.training.sequenceLength) / stepTimeSeconds,
    mfu: modelFlopsPerStep(x.graph, x.training) / (stepTimeSeconds * peak),
    gpusUsed: gpusPerGroup.reduce((a, n) => a + n, 0),
    gpusPerGroup,
  };
}

/** A v1 (homogeneous) plan on group g, wrapped. */
export function homogeneousHeteroPlan(x: AssemblyContext, g: number, plan: Plan): HeteroPlan {
  const gpusPerGroup = x.cluster.groups.map((_, i) => (i === g ? plan.worldSize : 0));
  return {
    kind: 'homogeneous',
    ...metrics(x, plan.estimate.stepTimeSeconds, gpusPerGroup),
    microBatchSize: plan.strategy.microBatchSize,
    launcher: {
      notes: [
        `Homogeneous plan on group ${g} (${plan.acceleratorId}); export with the v1 launch-config exporters.`,
      ],
    },
    homogeneousPlan: plan,
  };
}

const PIPELINE_NOTES: readonly string[] = [
  'Stock Megatron-LM, DeepSpeed and torchtitan use one tensor-parallel degree for all stages; a plan with different TP per stage needs a launcher that builds per-stage process groups.',
  'Ranks are grouped per GPU type; launch with the rank map below (stages in pipeline order), not the default tp-dp-pp order over a sorted host list.',
];

/** Build a hetero-pipeline plan from its simulated evaluation. */
export function pipelineHeteroPlan(x: AssemblyContext, e: PipelineEvaluation): HeteroPlan {
  const offsets = groupRankOffsets(x.cluster);
  const used = x.cluster.groups.map(() => 0);
  const stages: HeteroStage[] = [];
  let firstLayer = 0;
  const last = e.models.length - 1;
  e.models.forEach((model, j) => {
    const g = x.cluster.groups.indexOf(model.shape.group);
    const layers = e.partition.layers[j] ?? 0;
    const gpus = model.shape.tp * model.shape.dp;
    const start = (offsets[g] ?? 0) + (used[g] ?? 0);
    used[g] = (used[g] ?? 0) + gpus;
    const pass = model.seconds(layers, j === 0, j === last);
    stages.push({
      stage: j,
      group: g,
      accelerator: model.shape.group.device.id,
      tp: model.shape.tp,
      dp: model.shape.dp,
      layers: [firstLayer, layers],
      hasEmbedding: j === 0,
      hasLmHead: j === last,
      ranks: [start, start + gpus - 1],
      forwardSeconds: pass.forward,
      backwardSeconds: pass.backwardInput + pass.backwardWeight,
      peakMemoryBytes: model.memoryBytes(layers, j === 0, j === last, e.peakInFlight[j] ?? 1),
      memoryCapacityBytes: model.shape.group.device.memoryBytes,
    });
    firstLayer += layers;
  });
  const sameTp = stages.every((s) => s.tp === stages[0]?.tp);
  const notes = [
    ...(sameTp ? PIPELINE_NOTES.slice(1) : PIPELINE_NOTES),
    `recompute=${e.recompute}, schedule=1f1b, micro-batches=${e.candidate.numMicroBatches}.`,
  ];
  const launcher: LauncherHints = {
    megatronPipelineLayout: formatPipelineLayout(e.partition.layers, x.graph.spec.mtpLayers),
    notes,
  };
  return {
    kind: 'hetero-pipeline',
    ...metrics(x, e.stepTimeSeconds, used),
    microBatchSize: e.candidate.microBatchSize,
    stages,
    launcher,
  };
}

/** Build a hetero-data-parallel plan. */
export function dataParallelHeteroPlan(x: AssemblyContext, e: DataParallelEvaluation): HeteroPlan {
  const offsets = groupRankOffsets(x.cluster);
  const gpusPerGroup = x.cluster.groups.map(() => 0);
  const replicas: HeteroReplica[] = e.members.map((member, i) => {
    const group = x.cluster.groups[member.group] as ClusterProfile;
    const s = member.strategy;
    const gpus = s.dp * s.tp * s.pp;
    gpusPerGroup[member.group] = gpus;
    const share = e.shares[i] ?? 0;
    const first = offsets[member.group] ?? 0;
    return {
      group: member.group,
      accelerator: group.device.id,
      gpus,
      tp: s.tp,
      pp: s.pp,
      dp: s.dp,
      microBatchSize: s.microBatchSize,
      globalBatchShare: share,
      microBatches: share / (s.dp * s.microBatchSize),
      ranks: [first, first + gpus - 1],
      finishSeconds: e.estimates[i]?.stepTimeSeconds ?? 0,
      peakMemoryBytes: e.estimates[i]?.peakMemoryBytesPerGpu ?? 0,
    };
  });
  const notes = [
    "Per-group micro-batch counts (gradient accumulation) differ; stock Megatron-LM / DeepSpeed / torchtitan use one count for all data-parallel ranks: run one launcher per group and average gradients weighted by share (or scale each group's loss by share / global batch).",
    `Cross-group gradient all-reduce over the inter-group link: ${e.crossGroupSyncSeconds.toExponential(3)} s per step, not overlapped.`,
  ];
  const mbs = replicas[0]?.microBatchSize ?? 1;
  return {
    kind: 'hetero-data-parallel',
    ...metrics(x, e.stepTimeSeconds, gpusPerGroup),
    microBatchSize: mbs,
    replicas,
    launcher: { notes },
  };
}
