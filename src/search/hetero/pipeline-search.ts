/**
 * Which groups host how many pipeline stages, with which TP: enumerated by depth-first search
 * over groups with a step-time lower bound, then evaluated best-bound-first (branch and bound).
 * FASOP (Hwang et al. HPDC'24 §4.1) enumerates device placements the same way and prunes by an
 * estimate; Metis (Um et al. ATC'24 §5) orders device groups and prunes dominated ones.
 *
 * Pruning and symmetry, each exact (never drops a candidate that could beat the incumbent):
 *  - lower bound (pipeline-bound.ts) on the simulated step: with k_g stages of TP t_g on group g,
 *    per-layer time τ_g (forward + backward per micro-batch, no recompute) and the known per-stage
 *    base b (embedding, LM head, boundary p2p), the 1F1B critical path gives
 *    step ≥ max(m·max_j c_j, (m − 1)·c_last + Σ_j c_j), minimised over integer layer splits; a
 *    partial assignment is bounded with each unassigned group at its widest option per TP;
 *    bound ≥ incumbent → skip (for 'cheapest' both sides are multiplied by the $/s of the GPUs).
 *  - identical groups (same device and links) are interchangeable: only assignments whose option
 *    index is non-increasing along a run of identical groups are generated.
 * Heuristic restrictions (documented, not exact): groups appear in the pipeline in a fixed order
 * (memory capacity descending — the first 1F1B stages hold the most in-flight micro-batches —
 * then peak FLOP/s descending, then index); one schedule (1F1B); micro-batch size ≤ 8; m ≥ pp.
 * Pipelines on one group alone are left to the v1 baseline, so every hetero pipeline mixes types.
 */
import type { HeterogeneousCluster, ClusterProfile } from '../../hardware-profiles/index.js';
import { divisors } from '../enumerate.js';
import type { PipelineCandidate, PipelineContext, Segment } from './pipeline.js';
import { boundaryP2pSeconds, pipelineLeafBound } from './pipeline.js';
import type { StageRun } from './pipeline-bound.js';
import type { GroupOption, GroupOptions, PassCostCache } from './pipeline-options.js';
import { PIPELINE_MICRO_BATCH_SIZES, groupOptions } from './pipeline-options.js';
import {
  minBottleneckSeconds,
  partialPipelineLowerBound,
  pipelineStepLowerBound,
} from './pipeline-bound.js';

/** Leaves collected per search before generation stops (bounds memory; counted when hit). */
const GENERATION_CAP = 200_000;

export interface RankedCandidate {
  readonly candidate: PipelineCandidate;
  /** Lower bound on the objective (seconds, or $ per step for 'cheapest'). */
  readonly bound: number;
  readonly key: string;
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
  const costs: PassCostCache = new Map();
  for (const dp of divisors(batch)) {
    for (const mbs of PIPELINE_MICRO_BATCH_SIZES) {
      if ((batch / dp) % mbs !== 0) continue;
      const m = batch / (dp * mbs);
      const options = input.order.map((g) => groupOptions(input.context, costs, g, dp, mbs));
      if (options.every((o) => o.list.length <= 1)) continue;
      const w: Walk = {
        dp,
        mbs,
        m,
        options,
        suffix: suffixes(options),
        p2p: boundaryTimes(input.context, dp, mbs),
        out,
        state,
      };
      walk(input, w, 0, [], graph.spec.numLayers);
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
  readonly options: readonly GroupOptions[];
  /** suffix[d]: what the groups at depths ≥ d could still add (partial bounds). */
  readonly suffix: readonly Suffix[];
  readonly p2p: BoundaryTimes;
  readonly out: RankedCandidate[];
  readonly state: { pruned: number; capped: boolean };
}

interface Suffix {
  readonly widest: readonly (readonly StageRun[])[];
  readonly minHeadSeconds: number;
  readonly minLastSeconds: number;
}

function suffixes(options: readonly GroupOptions[]): Suffix[] {
  return options.map((_, d) => {
    const rest = options.slice(d);
    return {
      widest: rest.map((o) => o.widest),
      minHeadSeconds: Math.min(...rest.map((o) => o.minHeadSeconds)),
      minLastSeconds: Math.min(...rest.map((o) => o.minLastSeconds)),
    };
  });
}

/** Per-transfer p2p seconds inside a group (per TP degree) and across groups, as evaluated. */
interface BoundaryTimes {
  intra(g: number, tp: number): number;
  readonly interSeconds: number;
}

function boundaryTimes(x: PipelineContext, dp: number, mbs: number): BoundaryTimes {
  const shape = { dp, microBatchSize: mbs };
  const groups = x.cluster.groups;
  const [a, b] = groups;
  const interSeconds =
    a !== undefined && b !== undefined
      ? (boundaryP2pSeconds(x, shape, [
          { group: a, tp: 1 },
          { group: b, tp: 1 },
        ])[0] ?? 0)
      : 0;
  const cache = new Map<string, number>();
  return {
    interSeconds,
    intra(g, tp) {
      const key = `${g}|${tp}`;
      let seconds = cache.get(key);
      if (seconds === undefined) {
        const group = groups[g] as ClusterProfile;
        seconds =
          boundaryP2pSeconds(x, shape, [
            { group, tp },
            { group, tp },
          ])[0] ?? 0;
        cache.set(key, seconds);
      }
      return seconds;
    },
  };
}

/**
 * Runs of the options chosen so far (depth order), the pipeline's first stage split off with the
 * embedding as its base.
 */
function chosenRuns(w: Walk, chosen: readonly number[]): StageRun[] {
  const runs: StageRun[] = [];
  chosen.forEach((i, d) => {
    const o = w.options[d]?.list[i];
    if (o === undefined || o.stages === 0) return;
    const first = runs.length === 0;
    if (first) runs.push({ tauSeconds: o.tauSeconds, baseSeconds: o.embeddingSeconds, count: 1 });
    runs.push({ tauSeconds: o.tauSeconds, baseSeconds: 0, count: first ? o.stages - 1 : o.stages });
  });
  return runs;
}

/**
 * Optimistic bound of a partial assignment (depths < `depth` chosen): time — pipeline-bound.ts
 * with every remaining group free to take its widest option per TP; cost — that time times the
 * chosen GPUs' $/s, or the best $-per-rate ratio among the partial sum and any remaining option
 * times m·L (a ratio of sums is at least the smallest ratio), whichever is larger. Also prunes
 * pp > min(L, m).
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
    const o = w.options[d]?.list[i];
    rate += o?.rate ?? 0;
    pp += o?.stages ?? 0;
    dollars += (o?.gpus ?? 0) * (x.dollarsPerGpuSecond?.[x.order[d] as number] ?? 0);
  });
  if (pp > Math.min(layers, w.m)) return true;
  const suffix = w.suffix[depth] as Suffix;
  let minHead = suffix.minHeadSeconds;
  let minLast = suffix.minLastSeconds;
  chosen.forEach((i, d) => {
    const o = w.options[d]?.list[i];
    if (o === undefined || o.stages === 0) return;
    minHead = Math.min(minHead, o.headSeconds);
    minLast = Math.min(minLast, o.headSeconds + o.tauSeconds);
  });
  const seconds = partialPipelineLowerBound(
    chosenRuns(w, chosen),
    suffix.widest,
    layers,
    w.m,
    Number.isFinite(minHead) ? minHead : 0,
    Number.isFinite(minLast) ? minLast : 0,
  );
  if (!Number.isFinite(seconds)) return true;
  if (x.dollarsPerGpuSecond === null) return seconds >= x.incumbent;
  let bestRatio = rate > 0 ? dollars / rate : Number.POSITIVE_INFINITY;
  for (let d = depth; d < w.options.length; d++) {
    const price = x.dollarsPerGpuSecond[x.order[d] as number] ?? 0;
    for (const o of w.options[d]?.list ?? []) {
      if (o.stages > 0) bestRatio = Math.min(bestRatio, (o.gpus * price) / o.rate);
    }
  }
  return Math.max(seconds * dollars, w.m * layers * bestRatio) >= x.incumbent;
}

function walk(x: GenerationInput, w: Walk, depth: number, chosen: number[], layers: number): void {
  if (w.state.capped) return;
  if (depth === w.options.length) return leaf(x, w, chosen, layers);
  if (partialPruned(x, w, depth, chosen, layers)) {
    w.state.pruned++;
    return;
  }
  const options = (w.options[depth] as GroupOptions).list;
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

/**
 * Exact stage runs of a complete assignment: the embedding on the first stage, the LM head on the
 * last, and each stage's boundary p2p (as evaluatePipeline charges it) in its base. Inside a
 * segment the boundaries are intra-group; between segments (different groups) inter-group.
 */
function leafRuns(
  w: Walk,
  segments: readonly { o: GroupOption; g: number }[],
): { stages: StageRun[]; last: StageRun } {
  const stages: StageRun[] = [];
  let last: StageRun = { tauSeconds: 0, baseSeconds: 0, count: 1 };
  segments.forEach(({ o, g }, s) => {
    const intra = w.p2p.intra(g, o.tp);
    const left = s > 0 ? w.p2p.interSeconds : 0;
    const right = s < segments.length - 1 ? w.p2p.interSeconds : 0;
    const emb = s === 0 ? o.embeddingSeconds : 0;
    const isLast = s === segments.length - 1;
    const run = (baseSeconds: number, count: number): void => {
      if (count > 0) stages.push({ tauSeconds: o.tauSeconds, baseSeconds, count });
    };
    const lastBase = (o.stages === 1 ? emb + left : intra) + right;
    if (o.stages > 1) {
      run(emb + left + intra, 1);
      run(2 * intra, o.stages - 2);
    }
    if (isLast)
      last = { tauSeconds: o.tauSeconds, baseSeconds: lastBase + o.headSeconds, count: 1 };
    else run(lastBase, 1);
  });
  return { stages, last };
}

function leaf(x: GenerationInput, w: Walk, chosen: readonly number[], layers: number): void {
  let pp = 0;
  let dollarsPerSecond = 0;
  const segments: Segment[] = [];
  const picked: { o: GroupOption; g: number }[] = [];
  chosen.forEach((i, depth) => {
    const o = w.options[depth]?.list[i];
    if (o === undefined || o.stages === 0) return;
    const g = x.order[depth] as number;
    pp += o.stages;
    dollarsPerSecond += o.gpus * (x.dollarsPerGpuSecond?.[g] ?? 0);
    segments.push({ group: g, tp: o.tp, stages: o.stages });
    picked.push({ o, g });
  });
  // One group alone is v1's job (its baseline plans it with the same cost model): mixed only.
  if (segments.length < 2 || pp > layers || pp > w.m) return;
  const runs = leafRuns(w, picked);
  const cutoff = x.dollarsPerGpuSecond === null ? x.incumbent : x.incumbent / dollarsPerSecond;
  const toObjective = (seconds: number): number =>
    x.dollarsPerGpuSecond === null ? seconds : seconds * dollarsPerSecond;
  // Cheapest first: m × the integer bottleneck over the few runs (no per-stage expansion).
  const all = [...runs.stages, runs.last];
  if (toObjective(w.m * minBottleneckSeconds(all, [], layers)) >= x.incumbent) {
    w.state.pruned++;
    return;
  }
  // Then the 1F1B bound without recompute or memory, then the stages as evaluated.
  const cheap = pipelineStepLowerBound(runs.stages, runs.last, layers, w.m, cutoff);
  if (toObjective(cheap) >= x.incumbent) {
    w.state.pruned++;
    return;
  }
  const candidate = { dp: w.dp, microBatchSize: w.mbs, numMicroBatches: w.m, segments };
  const exact = pipelineLeafBound(x.context, candidate, cutoff);
  const bound = exact === null ? Number.POSITIVE_INFINITY : toObjective(Math.max(cheap, exact));
  if (bound >= x.incumbent) {
    w.state.pruned++;
    return;
  }
  if (w.out.length >= GENERATION_CAP) {
    w.state.capped = true;
    return;
  }
  const key = `${w.dp}|${w.mbs}|${segments.map((s) => `${s.group}:${s.tp}x${s.stages}`).join(',')}`;
  w.out.push({ candidate, bound, key });
}
