/**
 * The strategy space per framework (issue #16): enumerateStrategies yields only what the
 * framework's exported launch config reproduces exactly (src/plan/expressible.ts) and counts the
 * rest under `rejected` reasons; the planner recomputes a subset of layers only for Megatron-LM.
 */
import { memoisedDeepspeedSplit } from '../../src/plan/index.js';
import { describe, expect, it } from 'vitest';
import type { Framework, Strategy } from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { findModel, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { inexpressibleReason } from '../../src/plan/index.js';
import { defaultSchedules, enumerateStrategies } from '../../src/search/index.js';
import type { RejectionCounts, SearchConstraints } from '../../src/search/index.js';
import { SMALL_MOE_SPEC } from '../fixtures/specs.js';

const catalog = loadProfileCatalog();
const small = buildModelGraph(
  specFromExplicitTransformer({ layers: 30, hiddenSize: 2048, heads: 16, vocabSize: 50304 }),
  2048,
);

function enumerate(
  framework: Framework,
  constraints: SearchConstraints = {},
  graph = small,
  worldSize = 32,
  globalBatchSize = 64,
): { strategies: Strategy[]; rejected: RejectionCounts } {
  const rejected: RejectionCounts = {};
  const strategies = [
    ...enumerateStrategies(
      {
        graph,
        worldSize,
        gpusPerNode: 8,
        globalBatchSize,
        sequenceLength: graph.spec.numLayers === 80 ? 8192 : 2048,
        framework,
        constraints,
        deepspeedSplit: memoisedDeepspeedSplit(graph.spec.numLayers),
      },
      constraints.schedule ?? defaultSchedules(framework),
      rejected,
    ),
  ];
  return { strategies, rejected };
}

describe('enumerateStrategies generates only what the framework export reproduces', () => {
  it.each(['megatron', 'deepspeed', 'fsdp'] as const)('%s', (framework) => {
    const { strategies } = enumerate(framework);
    expect(strategies.length).toBeGreaterThan(50);
    expect(strategies.filter((s) => inexpressibleReason(framework, s, 30) !== null)).toEqual([]);
  });

  it("deepspeed: TP without Megatron-style SP, 1F1B with DeepSpeed's own split, no selective recompute", () => {
    const { strategies, rejected } = enumerate('deepspeed');
    expect(strategies.some((s) => s.tp > 1)).toBe(true);
    expect(strategies.every((s) => !s.sequenceParallel)).toBe(true);
    expect(strategies.every((s) => s.recompute !== 'selective')).toBe(true);
    expect(strategies.every((s) => s.schedule === '1f1b')).toBe(true);
    // 30 layers on 4 stages: partition_method='type:' gives [8, 8, 7, 7], offered as a candidate.
    const pp4 = strategies.filter((s) => s.pp === 4);
    expect(pp4.length).toBeGreaterThan(0);
    expect(pp4.every((s) => s.layersPerStage?.join() === '8,8,7,7')).toBe(true);
    expect(rejected['deepspeed-no-selective-recompute']).toBeGreaterThan(0);
    expect(rejected['deepspeed-split-differs']).toBeGreaterThan(0);
    expect(rejected['deepspeed-no-sequence-parallel']).toBeGreaterThan(0);
  });

  it('fsdp: no SelectiveAC-as-attention-core, no sequence slicing, splits the CLI can build', () => {
    const { strategies, rejected } = enumerate('fsdp');
    expect(strategies.every((s) => s.recompute !== 'selective')).toBe(true);
    expect(strategies.every((s) => s.schedule !== 'seq-slice-1f1b')).toBe(true);
    expect(strategies.some((s) => s.layersPerStage !== null)).toBe(true);
    expect(rejected['torchtitan-no-attention-core-recompute']).toBeGreaterThan(0);
    expect(rejected['torchtitan-seq-slice-changes-attention']).toBeGreaterThan(0);
  });

  it("fsdp searches torchtitan's EP and CP: etp 1, ep | dp_shard·cp·tp, all-gather CP; deepspeed neither", () => {
    const moe = buildModelGraph(SMALL_MOE_SPEC, 16384);
    const space = (framework: Framework) => {
      const rejected: RejectionCounts = {};
      const input = {
        graph: moe,
        worldSize: 16,
        gpusPerNode: 8,
        globalBatchSize: 16,
        sequenceLength: 16384,
        framework,
        constraints: {},
        deepspeedSplit: memoisedDeepspeedSplit(moe.spec.numLayers),
      };
      return [...enumerateStrategies(input, defaultSchedules(framework), rejected)];
    };
    const fsdp = space('fsdp');
    expect(fsdp.some((s) => (s.ep ?? 1) > 1)).toBe(true);
    expect(fsdp.some((s) => s.cp > 1)).toBe(true);
    expect(fsdp.every((s) => (s.etp ?? 1) === 1)).toBe(true);
    expect(fsdp.filter((s) => s.cp > 1).every((s) => s.cpComm === 'all-gather')).toBe(true);
    for (const s of fsdp) {
      const dpShard = s.zeroStage >= 1 ? (s.dpShard ?? s.dp) : 1;
      expect((dpShard * s.cp * s.tp) % (s.ep ?? 1)).toBe(0);
    }
    expect(fsdp.filter((s) => inexpressibleReason('fsdp', s, 4) !== null)).toEqual([]);
    const deepspeed = space('deepspeed');
    expect(deepspeed.every((s) => s.cp === 1 && (s.ep ?? 1) === 1)).toBe(true);
  });

  it('what the user pins is their explicit choice and is kept; the search never picks it itself', () => {
    // Partial recompute pinned (validation/ pins published runs this way): kept for every framework.
    const pinned = { recompute: ['full' as const], recomputeLayers: [2] };
    for (const f of ['megatron', 'deepspeed', 'fsdp'] as const)
      expect(enumerate(f, pinned).strategies.length).toBeGreaterThan(0);
    // A schedule Megatron-LM has no flag for (the Zero Bubble rows ran a Megatron fork).
    expect(
      enumerate('megatron', { schedule: ['zb-h1'], pp: [2] }).strategies.length,
    ).toBeGreaterThan(0);
    // Unpinned, the same values are rejected and counted.
    const searched = enumerate('fsdp', { schedule: ['seq-slice-1f1b'], pp: [2] });
    expect(searched.strategies.length).toBeGreaterThan(0);
    expect(
      enumerate('fsdp', { pp: [2] }).strategies.every((s) => s.schedule !== 'seq-slice-1f1b'),
    ).toBe(true);
    // The layer split is never pinned, so it is always the framework's.
    expect(
      enumerate('deepspeed', { pp: [4], recompute: ['none'] }).strategies.every(
        (s) => s.layersPerStage?.join() === '8,8,7,7',
      ),
    ).toBe(true);
  });

  it('llama3-70b on 64 DGX H100 (batch 1024, seq 8192): what each framework loses', () => {
    const graph = buildModelGraph(findModel(catalog, 'llama3-70b').spec, 8192);
    const count = (f: Framework) => enumerate(f, {}, graph, 512, 1024);
    const megatron = count('megatron');
    const deepspeed = count('deepspeed');
    const fsdp = count('fsdp');
    // Before issue #16: 10,482 / 2,586 / 33,000 candidates (and partial recompute for all three).
    expect(megatron.strategies).toHaveLength(10_482);
    // DeepSpeed: its own 'type:' split joins the candidates (133 more shapes with pp ∤ 80), the
    // other splits and selective recompute go.
    expect(deepspeed.strategies).toHaveLength(762);
    expect(deepspeed.rejected).toMatchObject({
      'deepspeed-no-selective-recompute': 381,
      'deepspeed-split-differs': 1842,
    });
    // Fully sharded (or DDP) shapes as before HSDP; each sharded shape whose DP group spans more
    // than a node also comes as HSDP with the node's DP ranks (8 / tp) as the shard group.
    const full = fsdp.strategies.filter((s) => s.dpShard === undefined);
    const hybrid = fsdp.strategies.filter((s) => s.dpShard !== undefined);
    expect(full).toHaveLength(7428);
    const hybridizable = full.filter(
      (s) => s.zeroStage >= 2 && 8 / s.tp > 1 && 8 / s.tp < s.dp && s.dp % (8 / s.tp) === 0,
    );
    expect(hybrid).toHaveLength(hybridizable.length);
    expect(hybrid.every((s) => s.dpShard === 8 / s.tp && s.zeroStage >= 2)).toBe(true);
    expect(fsdp.rejected).toMatchObject({
      'torchtitan-no-attention-core-recompute': 11_000,
      'torchtitan-cannot-split-so': 9780,
      'torchtitan-seq-slice-changes-attention': 4792,
    });
  });
});
