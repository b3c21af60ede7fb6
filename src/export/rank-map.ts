/**
 * Global rank ↔ parallel coordinates in Megatron-LM's default order "tp-cp-ep-dp-pp"
 * (`initialize_model_parallel(order=...)`, megatron/core/parallel_state.py; `RankGenerator` and
 * `generate_masked_orthogonal_rank_groups` there): tp varies fastest, then cp, (ep, 1 for dense
 * models), dp, and pp slowest:
 *
 *   rank = tp_r + tp·(cp_r + cp·(dp_r + dp·pp_r))
 *
 * With node-major rank assignment (torchrun: node i runs ranks [i·G, (i+1)·G)), a TP group stays
 * on one node whenever tp divides G. Example, tp=2 cp=1 dp=2 pp=2 on 2 nodes × 4 GPUs:
 *
 *   rank  0 1 2 3 | 4 5 6 7
 *   tp    0 1 0 1 | 0 1 0 1
 *   dp    0 0 1 1 | 0 0 1 1
 *   pp    0 0 0 0 | 1 1 1 1
 */
import type { Plan } from '../plan/index.js';

export interface RankCoordinates {
  readonly rank: number;
  readonly node: number;
  readonly localRank: number;
  readonly tp: number;
  readonly cp: number;
  readonly dp: number;
  readonly pp: number;
}

export interface RankMapSummary {
  readonly worldSize: number;
  readonly gpusPerNode: number;
  readonly order: 'tp-cp-ep-dp-pp';
  readonly rankFormula: string;
  /** Every TP group lies within one node. */
  readonly tpGroupsWithinNode: boolean;
  /** Every TP×CP block lies within one node. */
  readonly cpGroupsWithinNode: boolean;
}

export interface RankMapOptions {
  /** First rank returned (default 0). */
  readonly offset?: number;
  /** Ranks returned (default: all). Groups are those containing a returned rank. */
  readonly limit?: number;
}

export interface RankMap {
  readonly summary: RankMapSummary;
  readonly offset: number;
  readonly ranks: readonly RankCoordinates[];
  readonly tensorParallelGroups: readonly (readonly number[])[];
  readonly contextParallelGroups: readonly (readonly number[])[];
  readonly dataParallelGroups: readonly (readonly number[])[];
  readonly pipelineParallelGroups: readonly (readonly number[])[];
  /**
   * Expert groups (MoE parallel folding, Megatron's second RankGenerator with order
   * "tp-ep-dp-pp" over etp, ep, edp inside each pipeline stage): within stage p the local rank
   * l = rank − p·tp·cp·dp is etp_r + etp·(ep_r + ep·edp_r). Singletons for dense models.
   */
  readonly expertTensorParallelGroups: readonly (readonly number[])[];
  readonly expertParallelGroups: readonly (readonly number[])[];
  readonly expertDataParallelGroups: readonly (readonly number[])[];
  /**
   * HSDP (strategy.dataParallelShard < dp): the data-parallel coordinate splits as
   * dp_r = shard_r + shard·replicate_r, torchtitan's mesh order (pp, dp_replicate, dp_shard, cp,
   * tp; torchtitan/distributed/parallel_dims.py). Shard groups gather parameters and
   * reduce-scatter gradients; replicate groups all-reduce the gradient shards. With no HSDP, one
   * shard group per data-parallel group and singleton replicate groups.
   */
  readonly dataParallelShardGroups: readonly (readonly number[])[];
  readonly dataParallelReplicateGroups: readonly (readonly number[])[];
}

interface ExpertDegrees {
  readonly etp: number;
  readonly ep: number;
  readonly edp: number;
  /** GPUs of one pipeline stage (tp·cp·dp = etp·ep·edp). */
  readonly stage: number;
}

/** The expert group along `axis` through `rank` (see RankMap.expertParallelGroups). */
export function expertGroupOf(
  e: ExpertDegrees,
  rank: number,
  axis: 'etp' | 'ep' | 'edp',
): number[] {
  const base = Math.floor(rank / e.stage) * e.stage;
  const local = rank - base;
  const coords = {
    etp: local % e.etp,
    ep: Math.floor(local / e.etp) % e.ep,
    edp: Math.floor(local / (e.etp * e.ep)),
  };
  return Array.from({ length: e[axis] }, (_, i) => {
    const c = { ...coords, [axis]: i };
    return base + c.etp + e.etp * (c.ep + e.ep * c.edp);
  });
}

function expertGroupsFor(
  e: ExpertDegrees,
  ranks: readonly RankCoordinates[],
  axis: 'etp' | 'ep' | 'edp',
): number[][] {
  const seen = new Map<number, number[]>();
  for (const r of ranks) {
    const group = expertGroupOf(e, r.rank, axis);
    const key = group[0] ?? 0;
    if (!seen.has(key)) seen.set(key, group);
  }
  return [...seen.values()];
}

interface Degrees {
  readonly tp: number;
  readonly cp: number;
  readonly dp: number;
  readonly pp: number;
}

export function globalRank(
  d: Degrees,
  c: Omit<RankCoordinates, 'rank' | 'node' | 'localRank'>,
): number {
  return c.tp + d.tp * (c.cp + d.cp * (c.dp + d.dp * c.pp));
}

export function rankCoordinates(d: Degrees, gpusPerNode: number, rank: number): RankCoordinates {
  const tp = rank % d.tp;
  const cp = Math.floor(rank / d.tp) % d.cp;
  const dp = Math.floor(rank / (d.tp * d.cp)) % d.dp;
  const pp = Math.floor(rank / (d.tp * d.cp * d.dp));
  return {
    rank,
    node: Math.floor(rank / gpusPerNode),
    localRank: rank % gpusPerNode,
    tp,
    cp,
    dp,
    pp,
  };
}

/** True when every block [k·size, (k+1)·size) of ranks sits on one node. */
function blocksWithinNode(size: number, worldSize: number, gpusPerNode: number): boolean {
  for (let start = 0; start < worldSize; start += size) {
    if (Math.floor(start / gpusPerNode) !== Math.floor((start + size - 1) / gpusPerNode))
      return false;
  }
  return true;
}

export function rankMapSummary(plan: Plan): RankMapSummary {
  const s = plan.strategy;
  return {
    worldSize: plan.worldSize,
    gpusPerNode: plan.gpusPerNode,
    order: 'tp-cp-ep-dp-pp',
    rankFormula: `rank = tp_rank + ${s.tp}·(cp_rank + ${s.cp}·(dp_rank + ${s.dp}·pp_rank)); node = floor(rank / ${plan.gpusPerNode}), localRank = rank mod ${plan.gpusPerNode}`,
    tpGroupsWithinNode: blocksWithinNode(s.tp, plan.worldSize, plan.gpusPerNode),
    cpGroupsWithinNode: blocksWithinNode(s.tp * s.cp, plan.worldSize, plan.gpusPerNode),
  };
}

type Axis = keyof Degrees;

/**
 * The HSDP group through `rank` (see RankMap.dataParallelShardGroups): its data-parallel peers
 * with the same replicate coordinate ('shard') or the same shard coordinate ('replicate').
 */
function hsdpGroupOf(
  d: Degrees,
  shard: number,
  c: RankCoordinates,
  axis: 'shard' | 'replicate',
): number[] {
  const shardRank = c.dp % shard;
  const replicateRank = Math.floor(c.dp / shard);
  const size = axis === 'shard' ? shard : d.dp / shard;
  return Array.from({ length: size }, (_, i) =>
    globalRank(d, {
      ...c,
      dp: axis === 'shard' ? i + shard * replicateRank : shardRank + shard * i,
    }),
  );
}

function hsdpGroupsFor(
  d: Degrees,
  shard: number,
  ranks: readonly RankCoordinates[],
  axis: 'shard' | 'replicate',
): number[][] {
  const seen = new Map<number, number[]>();
  for (const c of ranks) {
    const group = hsdpGroupOf(d, shard, c, axis);
    const key = group[0] ?? 0;
    if (!seen.has(key)) seen.set(key, group);
  }
  return [...seen.values()];
}

/** The group along `axis` through the rank at coordinates c. */
function groupAlong(d: Degrees, c: RankCoordinates, axis: Axis): number[] {
  return Array.from({ length: d[axis] }, (_, i) => globalRank(d, { ...c, [axis]: i }));
}

function groupsFor(d: Degrees, ranks: readonly RankCoordinates[], axis: Axis): number[][] {
  const seen = new Map<number, number[]>();
  for (const c of ranks) {
    const group = groupAlong(d, c, axis);
    const key = group[0] ?? 0;
    if (!seen.has(key)) seen.set(key, group);
  }
  return [...seen.values()];
}

/** Rank map of a plan (or a range of it) with the TP / CP / DP / PP groups of those ranks. */
export function rankMap(plan: Plan, options: RankMapOptions = {}): RankMap {
  const d: Degrees = plan.strategy;
  const stage = d.tp * d.cp * d.dp;
  const etp = plan.strategy.etp ?? 1;
  const ep = plan.strategy.ep ?? 1;
  const e: ExpertDegrees = { etp, ep, edp: stage / (etp * ep), stage };
  const shard = plan.strategy.dpShard ?? d.dp;
  const offset = Math.max(0, Math.min(options.offset ?? 0, plan.worldSize));
  const end = Math.min(plan.worldSize, offset + (options.limit ?? plan.worldSize));
  const ranks = Array.from({ length: Math.max(0, end - offset) }, (_, i) =>
    rankCoordinates(d, plan.gpusPerNode, offset + i),
  );
  return {
    summary: rankMapSummary(plan),
    offset,
    ranks,
    tensorParallelGroups: groupsFor(d, ranks, 'tp'),
    contextParallelGroups: groupsFor(d, ranks, 'cp'),
    dataParallelGroups: groupsFor(d, ranks, 'dp'),
    pipelineParallelGroups: groupsFor(d, ranks, 'pp'),
    expertTensorParallelGroups: expertGroupsFor(e, ranks, 'etp'),
    expertParallelGroups: expertGroupsFor(e, ranks, 'ep'),
    expertDataParallelGroups: expertGroupsFor(e, ranks, 'edp'),
    dataParallelShardGroups: hsdpGroupsFor(d, shard, ranks, 'shard'),
    dataParallelReplicateGroups: hsdpGroupsFor(d, shard, ranks, 'replicate'),
  };
}
