/**
 * Which groups host how many pipeline stages, with which TP: enumerated by depth-first search
 * over groups with a throughput lower bound, then evaluated best-bound-first (branch and bound).
 * FASOP (Hwang et al. HPDC'24 §4.1) enumerates device placements the same way and prunes by an
 * estimate; Metis (Um et al. ATC'24 §5) orders device groups and prunes dominated ones.
 *
 * Pruning and symmetry, each exact (never drops a candidate that could beat the incumbent):
 *  - lower bound: with k_g stages of TP t_g on group g and per-layer time τ_g (forward + backward
 *    per micro-batch, no recompute), the bottleneck stage takes ≥ L / Σ_g (k_g / τ_g), and
 *    1F1B's (m − 1)·max + Σ ≥ m·max, so  step ≥ LB = m · L / Σ_g (k_g / τ_g);
 *    LB ≥ incumbent → skip (for 'cheapest' both sides are multiplied by the $/s of the GPUs).
 *  - identical groups (same device and links) are interchangeable: only assignments whose option
 *    index is non-increasing along a run of identical groups are generated.
 * Heuristic restrictions (documented, not exact): groups appear in the pipeline in a fixed order
 * (memory capacity descending — the first 1F1B stages hold the most in-flight micro-batches —
 * then peak FLOP/s descending, then index); one schedule (1F1B); micro-batch size ≤ 8; m ≥ pp.
 */
import type { ModelGraph } from '../../graph/types.js';
import type { HeterogeneousCluster } from '../../hardware-profiles/hetero.js';
import type { ClusterProfile } from '../../hardware-profiles/types.js';
import { worldSize } from '../../hardware-profiles/types.js';
import { divisors } from '../enumerate.js';
import type { PipelineCandidate, PipelineContext, Segment } from './pipeline.js';
import { stageModel } from './stage-costs.js';

/** Micro-batch sizes tried (larger ones rarely pay off against the 1F1B bubble). */
export const PIPELINE_MICRO_BATCH_SIZES: readonly number[] = [1, 2, 4, 8];

/** Leaves collected per search before generation stops (bounds memory; counted when hit). */
const GENERATION_CAP = 200_000;

export interface RankedCandidate {
  readonly candidate: PipelineCandidate;
  /** Lower bound on the objective (seconds, or $ per step for 'cheapest'). */
  readonly bound: number;
  readonly key: string;
}

interface GroupOption {
  readonly tp: number;
  readonly stages: number;
  /** Layers per second per micro-batch slot contributed: stages / τ. */
  readonly rate: number;
  readonly gpus: number;
}

/** TP degrees for a group: divide the node, the heads, the KV heads and the MLP width. */
export function validTensorParallelDegrees(graph: ModelGraph, group: ClusterProfile): number[] {
  const s = graph.spec;
  return divisors(group.gpusPerNode).filter(
    (tp) => s.numHeads % tp === 0 && s.numKvHeads % tp === 0 && s.ffnHiddenSize % tp === 0,
  );
}

/** Pipeline order of the groups (see the file comment). */
export function pipelineGroupOrder(cluster: HeterogeneousCluster): number[] {
  const idx = cluster.groups.map((_, i) => i);
  return idx.sort((a, b) => {
    const ga = cluster.groups[a] as ClusterProfile;
    const gb = cluster.groups[b] as ClusterProfile;
    const dm = gb.device.memoryBytes - ga.device.memoryBytes;
    if (dm !== 0) return dm;
    const pa = Object.values(ga.device.peakFlopsPerSecond).reduce((m, v) => Math.max(m, v ?? 0), 0);
    const pb = Object.values(gb.device.peakFlopsPerSecond).reduce((m, v) => Math.max(m, v ?? 0), 0);
    return pb !== pa ? pb - pa : a - b;
  });
}

/**
 * Interchangeability key of a group: device, size and both link tiers (groups of one type but
 * different node counts offer different options, so they are not interchangeable).
 */
export function groupSymmetryKey(g: ClusterProfile): string {
  const link = (l: ClusterProfile['intraNode']): string =>
    `${l.bandwidthBytesPerSecond}/${l.latencySeconds}/${l.efficiency}`;
  return [g.device.id, g.gpusPerNode, g.numNodes, link(g.intraNode), link(g.interNode)].join('|');
}

function layerSeconds(x: PipelineContext, group: ClusterProfile, tp: number, mbs: number): number {
  const model = stageModel(x.graph, x.training, {
    group,
    tp,
    dp: 1,
    pp: 2,
    microBatchSize: mbs,
    numMicroBatches: 1,
    recompute: 'none',
  });
  const total = (n: number): number => {
    const t = model.seconds(n, false, false);
    return t.forward + t.backwardInput + t.backwardWeight;
  };
  return total(1) - total(0);
}

function groupOptions(x: PipelineContext, g: number, dp: number, mbs: number): GroupOption[] {
  const group = x.cluster.groups[g] as ClusterProfile;
  const options: GroupOption[] = [{ tp: 0, stages: 0, rate: 0, gpus: 0 }];
  for (const tp of validTensorParallelDegrees(x.graph, group)) {
    const most = Math.min(Math.floor(worldSize(group) / (tp * dp)), x.graph.spec.numLayers);
    if (most < 1) continue;
    const tau = layerSeconds(x, group, tp, mbs);
    for (let k = 1; k <= most; k++)
      options.push({ tp, stages: k, rate: k / tau, gpus: k * tp * dp });
  }
  return options;
}

export interface GenerationInput {
  readonly context: PipelineContext;
  readonly order: readonly number[];
  /** $/s per GPU of each group (null = objective is time). */
  readonly dollarsPerGpuSecond: readonly number[] | null;
  /** Current best objective value; leaves whose bound reaches it are not generated. */
  readonly incumbent: number;
}

export interface Generation {
  readonly ranked: RankedCandidate[];
  readonly pruned: number;
  readonly capped: boolean;
}

/** All pipeline candidates whose bound is below the incumbent, best bound first. */
export function generatePipelineCandidates(input: GenerationInput): Generation {
  const { graph, training } = input.context;
  const out: RankedCandidate[] = [];
  const state = { pruned: 0, capped: false };
  const batch = training.globalBatchSize;
  for (const dp of divisors(batch)) {
    for (const mbs of PIPELINE_MICRO_BATCH_SIZES) {
      if ((batch / dp) % mbs !== 0) continue;
      const m = batch / (dp * mbs);
      const options = input.order.map((g) => groupOptions(input.context, g, dp, mbs));
      if (options.every((o) => o.length <= 1)) continue;
      walk(input, { dp, mbs, m, options, out, state }, 0, [], graph.spec.numLayers);
      if (state.capped) break;
    }
    if (state.capped) break;
  }
  out.sort((a, b) => a.bound - b.bound || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ranked: out, pruned: state.pruned, capped: state.capped };
}

interface Walk {
  readonly dp: number;
  readonly mbs: number;
  readonly m: number;
  readonly options: readonly GroupOption[][];
  readonly out: RankedCandidate[];
  readonly state: { pruned: number; capped: boolean };
}

/**
 * Optimistic bound of a partial assignment (depths < `depth` chosen): time — every remaining group
 * at its largest rate; cost — the best $-per-rate ratio among the partial sum and any remaining
 * option (a ratio of sums is at least the smallest ratio). Also prunes pp > min(L, m).
 */
function partialPruned(
  x: GenerationInput,
  w: Walk,
  depth: number,
  chosen: readonly number[],
  layers: number,
): boolean {
  let rate = 0;
  let pp = 0;
  let dollars = 0;
  chosen.forEach((i, d) => {
    const o = w.options[d]?.[i];
    rate += o?.rate ?? 0;
    pp += o?.stages ?? 0;
    dollars += (o?.gpus ?? 0) * (x.dollarsPerGpuSecond?.[x.order[d] as number] ?? 0);
  });
  if (pp > Math.min(layers, w.m)) return true;
  let bestRatio = rate > 0 ? dollars / rate : Number.POSITIVE_INFINITY;
  for (let d = depth; d < w.options.length; d++) {
    const price = x.dollarsPerGpuSecond?.[x.order[d] as number] ?? 0;
    for (const o of w.options[d] ?? []) {
      if (o.stages > 0) bestRatio = Math.min(bestRatio, (o.gpus * price) / o.rate);
    }
    rate += Math.max(...(w.options[d] ?? []).map((o) => o.rate));
  }
  if (rate <= 0) return true;
  const seconds = (w.m * layers) / rate;
  const bound = x.dollarsPerGpuSecond === null ? seconds : w.m * layers * bestRatio;
  return bound >= x.incumbent;
}

function walk(x: GenerationInput, w: Walk, depth: number, chosen: number[], layers: number): void {
  if (w.state.capped) return;
  if (depth === w.options.length) return leaf(x, w, chosen, layers);
  if (partialPruned(x, w, depth, chosen, layers)) {
    w.state.pruned++;
    return;
  }
  const options = w.options[depth] as GroupOption[];
  const group = x.context.cluster.groups[x.order[depth] as number] as ClusterProfile;
  const previous = x.order[depth - 1];
  const sameAsPrevious =
    previous !== undefined &&
    groupSymmetryKey(x.context.cluster.groups[previous] as ClusterProfile) ===
      groupSymmetryKey(group);
  const limit = sameAsPrevious ? (chosen[depth - 1] ?? 0) : options.length - 1;
  for (let i = 0; i <= limit; i++) {
    chosen.push(i);
    walk(x, w, depth + 1, chosen, layers);
    chosen.pop();
  }
}

function leaf(x: GenerationInput, w: Walk, chosen: readonly number[], layers: number): void {
  let rate = 0;
  let pp = 0;
  let dollarsPerSecond = 0;
  const segments: Segment[] = [];
  chosen.forEach((i, depth) => {
    const o = w.options[depth]?.[i];
    if (o === undefined || o.stages === 0) return;
    const g = x.order[depth] as number;
    rate += o.rate;
    pp += o.stages;
    dollarsPerSecond += o.gpus * (x.dollarsPerGpuSecond?.[g] ?? 0);
    segments.push({ group: g, tp: o.tp, stages: o.stages });
  });
  if (pp < 2 || pp > layers || pp > w.m) return;
  const seconds = (w.m * layers) / rate;
  const bound = x.dollarsPerGpuSecond === null ? seconds : seconds * dollarsPerSecond;
  if (bound >= x.incumbent) {
    w.state.pruned++;
    return;
  }
  if (w.out.length >= GENERATION_CAP) {
    w.state.capped = true;
    return;
  }
  const key = `${w.dp}|${w.mbs}|${segments.map((s) => `${s.group}:${s.tp}x${s.stages}`).join(',')}`;
  w.out.push({
    candidate: { dp: w.dp, microBatchSize: w.mbs, numMicroBatches: w.m, segments },
    bound,
    key,
  });
}
