import { describe, expect, it } from 'vitest';
import { globalRank, rankCoordinates, rankMap } from '../../src/export/rank-map.js';
import { makePlan } from './plans.js';
import { lcg, pick } from './random.js';

describe('rank map property test (Megatron order tp-cp-ep-dp-pp)', () => {
  const rand = lcg(7);
  const combos = Array.from({ length: 120 }, () => ({
    tp: pick(rand, [1, 2, 3, 4, 8, 16]),
    cp: pick(rand, [1, 2]),
    dp: pick(rand, [1, 2, 3, 4, 6]),
    pp: pick(rand, [1, 2, 4, 5]),
    gpusPerNode: pick(rand, [1, 2, 4, 8]),
  }));
  it.each(combos)('tp=$tp cp=$cp dp=$dp pp=$pp G=$gpusPerNode', ({ gpusPerNode, ...d }) => {
    const plan = makePlan({ strategy: { ...d, numMicroBatches: 1 }, gpusPerNode });
    const map = rankMap(plan);
    // every rank exactly once, coordinates invert
    expect(map.ranks.map((r) => r.rank)).toEqual(
      Array.from({ length: plan.worldSize }, (_, i) => i),
    );
    for (const r of map.ranks) expect(globalRank(d, r)).toBe(r.rank);
    // group counts and sizes; each family partitions the world
    const families = [
      [map.tensorParallelGroups, d.tp],
      [map.contextParallelGroups, d.cp],
      [map.dataParallelGroups, d.dp],
      [map.pipelineParallelGroups, d.pp],
    ] as const;
    for (const [groups, size] of families) {
      expect(groups.length).toBe(plan.worldSize / size);
      expect(groups.every((g) => g.length === size)).toBe(true);
      expect(groups.flat().sort((a, b) => a - b)).toEqual(map.ranks.map((r) => r.rank));
    }
    // TP groups are node-local whenever tp divides the GPUs per node
    const local = map.tensorParallelGroups.every(
      (g) => new Set(g.map((r) => Math.floor(r / gpusPerNode))).size === 1,
    );
    if (gpusPerNode % d.tp === 0) expect(local).toBe(true);
    expect(map.summary.tpGroupsWithinNode).toBe(local);
    // pipeline stage p holds the contiguous rank block the plan layout names
    for (const stage of plan.layout) {
      const ranks = map.ranks.filter((r) => r.pp === stage.pipelineRank).map((r) => r.rank);
      expect([ranks[0], ranks.at(-1)]).toEqual([stage.firstRank, stage.lastRank]);
    }
  });
});

describe('HSDP shard and replicate groups (torchtitan mesh: pp, dp_replicate, dp_shard, cp, tp)', () => {
  it('tp=2 dp=8 as 4 shards × 2 replicas on 2 nodes × 8: shard groups fill a node', () => {
    const plan = makePlan({
      strategy: { tp: 2, cp: 1, dp: 8, pp: 1, dpShard: 4, numMicroBatches: 1 },
      gpusPerNode: 8,
    });
    const map = rankMap(plan);
    // dp rank = shard rank + 4 · replicate rank; global rank = tp rank + 2 · dp rank.
    expect(map.dataParallelShardGroups).toEqual([
      [0, 2, 4, 6],
      [1, 3, 5, 7],
      [8, 10, 12, 14],
      [9, 11, 13, 15],
    ]);
    expect(map.dataParallelReplicateGroups).toEqual(
      Array.from({ length: 8 }, (_, r) => [r, r + 8]),
    );
    // Every shard group is inside one node, as the estimate's in-node gathers assume.
    for (const g of map.dataParallelShardGroups)
      expect(new Set(g.map((r) => Math.floor(r / 8))).size).toBe(1);
  });

  it('without HSDP: shard groups are the data-parallel groups, replicate groups singletons', () => {
    const plan = makePlan({ strategy: { tp: 2, cp: 2, dp: 3, pp: 2, numMicroBatches: 1 } });
    const map = rankMap(plan);
    expect(map.dataParallelShardGroups).toEqual(map.dataParallelGroups);
    expect(map.dataParallelReplicateGroups.every((g) => g.length === 1)).toBe(true);
    expect(map.dataParallelReplicateGroups).toHaveLength(plan.worldSize);
  });
});

describe('large worlds', () => {
  it('returns a range and only the groups touching it; summary stays whole', () => {
    const plan = makePlan({ strategy: { tp: 8, pp: 16, dp: 128, cp: 1, numMicroBatches: 1 } });
    expect(plan.worldSize).toBe(16384);
    const map = rankMap(plan, { offset: 8192, limit: 16 });
    expect(map.ranks.map((r) => r.rank)).toEqual(Array.from({ length: 16 }, (_, i) => 8192 + i));
    expect(map.tensorParallelGroups).toEqual([
      [8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199],
      [8200, 8201, 8202, 8203, 8204, 8205, 8206, 8207],
    ]);
    expect(map.pipelineParallelGroups[0]).toHaveLength(16);
    expect(map.summary).toMatchObject({
      worldSize: 16384,
      tpGroupsWithinNode: true,
      order: 'tp-cp-ep-dp-pp',
    });
    expect(map.summary.rankFormula).toContain('tp_rank + 8·(cp_rank + 1·(dp_rank + 128·pp_rank))');
    expect(rankCoordinates(plan.strategy, 8, 8193)).toMatchObject({
      node: 1024,
      localRank: 1,
      tp: 1,
      dp: 0,
      pp: 8,
    });
  });
});
