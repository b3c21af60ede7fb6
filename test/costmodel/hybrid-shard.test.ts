/**
 * FSDP hybrid sharding (HSDP, issue #12): model states sharded over a shard group inside a node,
 * replicated across nodes. Per unit and micro-batch the gathers and the reduce-scatter stay in the
 * shard group (NVLink); each rank then all-reduces its 1/shard of the unit's gradient with its
 * replicas across nodes (Zhao et al. 2023 "PyTorch FSDP" §3.2.2). Memory is sharded by the shard
 * group only.
 */
import { describe, expect, it } from 'vitest';
import type { Strategy, TrainingConfig } from '../../src/costmodel/index.js';
import { estimate, placeStrategyGroups } from '../../src/costmodel/index.js';
import { validateStrategy } from '../../src/costmodel/validate-strategy.js';
import { dataParallelCommSeconds } from '../../src/costmodel/data-parallel.js';
import { modelStateBytes } from '../../src/costmodel/model-states.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { clusterFromPreset, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { strategyWith } from '../fixtures/strategy.js';
import { fixedTraining } from '../fixtures/training.js';

const catalog = loadProfileCatalog();
const h100 = (nodes: number) => clusterFromPreset(catalog, 'dgx-h100', nodes);

// The overlap switches of fixedTraining do not reach these fsdp, pp = 1 cases.
const training = (framework: TrainingConfig['framework']): TrainingConfig =>
  fixedTraining(1024, 4096, framework);

const fsdp = (dp: number, dpShard: number | undefined, zeroStage: 2 | 3 = 3): Strategy =>
  strategyWith({
    dp,
    numMicroBatches: 1024 / dp,
    recompute: 'selective',
    zeroStage,
    ...(dpShard === undefined ? {} : { dpShard }),
  });

describe('HSDP communication, hand-computed (DGX H100: NVLink 450 GB/s × 0.82, α 5 us; NDR 50 GB/s per GPU × 0.94, α 15 us)', () => {
  const cluster = h100(16);
  // 1e9 parameters on the rank in 10 units; FSDP reduces in fp32 (4 B per parameter).
  const comm = (s: Strategy) => {
    const groups = placeStrategyGroups(s, cluster);
    return dataParallelCommSeconds({
      parametersPerGpu: 1e9,
      group: groups.dpShard,
      replicaGroup: groups.dpReplicate,
      zeroStage: s.zeroStage,
      pp: 1,
      training: training('fsdp'),
      cluster,
      units: 10,
      unitParameters: 1e8,
    });
  };

  it('the shard group is the 8 GPUs of a node, the replicas one GPU per node on 16 nodes', () => {
    const groups = placeStrategyGroups(fsdp(128, 8), cluster);
    expect(groups.dpShard).toEqual({ size: 8, ranksPerNode: 8, numNodes: 1 });
    expect(groups.dpReplicate).toEqual({ size: 16, ranksPerNode: 1, numNodes: 16 });
  });

  it('gathers and the reduce-scatter are ring collectives of one unit inside the node', () => {
    // Unit: 1e8 params · 2 B = 2e8 B gathered; (n−1)·α + (n−1)/n · S / (B·e)
    const gather = 7 * 5e-6 + ((7 / 8) * 2e8) / (450e9 * 0.82);
    // Gradient reduce-scatter of the unit in fp32: 4e8 B.
    const reduceScatter = 7 * 5e-6 + ((7 / 8) * 4e8) / (450e9 * 0.82);
    // Replica all-reduce of the 1/8 shard (5e7 B) over 16 nodes: tree 2·⌈log2 16⌉·α + 2S/(B·e)
    // = 1.2e-4 + 2.128e-3 beats ring 30·α + (30/16)·S/(B·e) = 4.5e-4 + 1.995e-3.
    const replicaAllReduce = 2 * 4 * 15e-6 + (2 * 5e7) / (50e9 * 0.94);
    const c = comm(fsdp(128, 8));
    expect(c.unitForwardGatherSeconds).toBeCloseTo(gather, 9);
    expect(c.unitBackwardGatherSeconds).toBeCloseTo(gather, 9);
    expect(c.unitBackwardReduceSeconds).toBeCloseTo(reduceScatter + replicaAllReduce, 9);
    expect(replicaAllReduce).toBeCloseTo(2.2477e-3, 6);
  });

  it('SHARD_GRAD_OP with HSDP: one gather per unit in forward, none in backward', () => {
    const c = comm(fsdp(128, 8, 2));
    expect(c.unitBackwardGatherSeconds).toBe(0);
    expect(c.unitForwardGatherSeconds).toBeGreaterThan(0);
  });
});

describe('HSDP memory: model states sharded over the shard group only', () => {
  it('FSDP ZeRO-3 states at shard 8 are those of an 8-way full shard (16 B/param / 8 + …)', () => {
    const psi = 8e9;
    const hybrid = modelStateBytes(psi, 8, 3, 'bf16', 'fsdp');
    const full = modelStateBytes(psi, 128, 3, 'bf16', 'fsdp');
    expect(hybrid.optimizer).toBeCloseTo(full.optimizer * 16, 0);
    const model = catalog.models.get('llama3-8b');
    if (model === undefined) throw new Error('llama3-8b missing');
    const graph = buildModelGraph(model.spec, 4096);
    const cluster = h100(16);
    const memory = (s: Strategy) => estimate(graph, cluster, s, training('fsdp')).memoryBytes;
    const m8 = memory(fsdp(128, 8));
    const m128 = memory(fsdp(128, undefined));
    // FSDP's sharded fp32 parameters are the master copy (weights); Adam m, v are 8 B per
    // parameter over 8 vs 128 ranks: 8·Ψ·(1/8 − 1/128) more per GPU.
    const extraOptimizer = 8 * graph.parameters.total * (1 / 8 - 1 / 128);
    expect(m8.optimizer - m128.optimizer).toBeCloseTo(extraOptimizer, -6);
  });
});

describe('HSDP at scale: in-node shards beat a 1,024-GPU ring', () => {
  it('llama3-8b on 128 DGX H100: HSDP 8 is faster than full sharding and moves less data', () => {
    const model = catalog.models.get('llama3-8b');
    if (model === undefined) throw new Error('llama3-8b missing');
    const graph = buildModelGraph(model.spec, 4096);
    const cluster = h100(128);
    const hybrid = estimate(graph, cluster, fsdp(1024, 8), training('fsdp'));
    const full = estimate(graph, cluster, fsdp(1024, undefined), training('fsdp'));
    expect(hybrid.timeSeconds.dataParallelComm).toBeLessThan(full.timeSeconds.dataParallelComm);
    expect(hybrid.stepTimeSeconds).toBeLessThan(full.stepTimeSeconds);
  });
});

describe('HSDP validity (torchtitan ParallelDims: replicate · shard = dp)', () => {
  const spec = catalog.models.get('llama3-8b')?.spec;
  if (spec === undefined) throw new Error('llama3-8b missing');
  const check = (s: Strategy, framework: TrainingConfig['framework']) => () =>
    validateStrategy(spec, 128, training(framework), s);

  it('accepts fsdp ZeRO-2/3 with a shard group dividing dp', () => {
    expect(check(fsdp(128, 8), 'fsdp')).not.toThrow();
    expect(check(fsdp(128, 16, 2), 'fsdp')).not.toThrow();
  });

  it('rejects a shard group that does not divide dp, naming strategy.dataParallelShard', () => {
    expect(check(fsdp(128, 12), 'fsdp')).toThrow(/dataParallelShard=12 does not divide/);
    try {
      check(fsdp(128, 12), 'fsdp')();
    } catch (e) {
      expect((e as { field?: string }).field).toBe('strategy.dataParallelShard');
    }
  });

  it('rejects hybrid sharding outside FSDP', () => {
    expect(check(fsdp(128, 8), 'deepspeed')).toThrow(/needs framework fsdp/);
  });
});
