/**
 * What one group can contribute to a heterogeneous pipeline at a given dp and micro-batch size:
 * every (TP, stage count) option with its per-layer, embedding and LM-head pass times (no
 * recompute, measured on the v1 cost model through stageModel), and the summaries the pipeline
 * search's partial bound needs.
 */
import type { ModelGraph } from '../../graph/index.js';
import type { ClusterProfile } from '../../hardware-profiles/index.js';
import { worldSize } from '../../hardware-profiles/index.js';
import { divisors } from '../enumerate.js';
import type { PipelineContext } from './pipeline.js';
import { passTotal } from './pipeline.js';
import type { StageRun } from './pipeline-bound.js';
import { stageModel } from './stage-costs.js';

/** Micro-batch sizes tried (larger ones rarely pay off against the 1F1B bubble). */
export const PIPELINE_MICRO_BATCH_SIZES: readonly number[] = [1, 2, 4, 8];

export interface GroupOption extends PassCosts {
  readonly tp: number;
  readonly stages: number;
  /** Layers per second per micro-batch slot contributed: stages / τ. */
  readonly rate: number;
  readonly gpus: number;
}

/** A group's options, and for the partial bound its largest stage count per TP. */
export interface GroupOptions {
  readonly list: readonly GroupOption[];
  readonly widest: readonly StageRun[];
  /** Cheapest LM head among the group's TP degrees (the head sits on some stage). */
  readonly minHeadSeconds: number;
  /** Cheapest LM head plus one layer (the last stage holds at least that). */
  readonly minLastSeconds: number;
}

/** TP degrees for a group: divide the node, the heads, the KV heads and the MLP width. */
export function validTensorParallelDegrees(graph: ModelGraph, group: ClusterProfile): number[] {
  const s = graph.spec;
  return divisors(group.gpusPerNode).filter(
    (tp) => s.numHeads % tp === 0 && s.numKvHeads % tp === 0 && s.ffnHiddenSize % tp === 0,
  );
}

/** Per-micro-batch seconds (forward + backward, no recompute) of one layer, the embedding, the head. */
export interface PassCosts {
  readonly tauSeconds: number;
  readonly embeddingSeconds: number;
  readonly headSeconds: number;
}

function passCosts(x: PipelineContext, group: ClusterProfile, tp: number, mbs: number): PassCosts {
  const model = stageModel(x.graph, x.training, {
    group,
    tp,
    dp: 1,
    pp: 2,
    microBatchSize: mbs,
    numMicroBatches: 1,
    recompute: 'none',
  });
  const total = (n: number, emb: boolean, head: boolean): number =>
    passTotal(model.seconds(n, emb, head));
  const none = total(0, false, false);
  return {
    tauSeconds: total(1, false, false) - none,
    embeddingSeconds: total(0, true, false) - none,
    headSeconds: total(0, false, true) - none,
  };
}

/** passCosts per (group, tp, micro-batch size): they do not depend on dp. */
export type PassCostCache = Map<string, PassCosts>;

function cachedPassCosts(
  x: PipelineContext,
  cache: PassCostCache,
  g: number,
  tp: number,
  mbs: number,
): PassCosts {
  const key = `${g}|${tp}|${mbs}`;
  let costs = cache.get(key);
  if (costs === undefined) {
    costs = passCosts(x, x.cluster.groups[g] as ClusterProfile, tp, mbs);
    cache.set(key, costs);
  }
  return costs;
}

export function groupOptions(
  x: PipelineContext,
  cache: PassCostCache,
  g: number,
  dp: number,
  mbs: number,
): GroupOptions {
  const group = x.cluster.groups[g] as ClusterProfile;
  const list: GroupOption[] = [
    { tp: 0, stages: 0, tauSeconds: 0, embeddingSeconds: 0, headSeconds: 0, rate: 0, gpus: 0 },
  ];
  const widest: StageRun[] = [];
  let minHeadSeconds = Number.POSITIVE_INFINITY;
  let minLastSeconds = Number.POSITIVE_INFINITY;
  for (const tp of validTensorParallelDegrees(x.graph, group)) {
    const most = Math.min(Math.floor(worldSize(group) / (tp * dp)), x.graph.spec.numLayers);
    if (most < 1) continue;
    const costs = cachedPassCosts(x, cache, g, tp, mbs);
    for (let k = 1; k <= most; k++)
      list.push({ tp, stages: k, ...costs, rate: k / costs.tauSeconds, gpus: k * tp * dp });
    widest.push({ tauSeconds: costs.tauSeconds, baseSeconds: 0, count: most });
    minHeadSeconds = Math.min(minHeadSeconds, costs.headSeconds);
    minLastSeconds = Math.min(minLastSeconds, costs.headSeconds + costs.tauSeconds);
  }
  return { list, widest, minHeadSeconds, minLastSeconds };
}
