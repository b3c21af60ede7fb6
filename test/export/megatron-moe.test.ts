/**
 * Megatron-LM export of MoE / MLA / CP / FP8 plans (issue #14) and the expert groups of the rank
 * map: every flag exists upstream (test/fixtures/upstream/megatron-flags.json), the values are the
 * plan's, and a property test checks Megatron's order tp-cp-ep-dp-pp with MoE parallel folding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { megatronArgs } from '../../src/export/megatron.js';
import { megatronLaunchCheck } from '../../src/export/megatron-launch-check.js';
import { moeLayerFreq } from '../../src/export/megatron-moe.js';
import { expertGroupOf, rankMap } from '../../src/export/rank-map.js';
import { transformerFromHuggingFaceConfig } from '../../src/graph/index.js';
import { makePlan } from './plans.js';
import { lcg, pick } from './random.js';

const upstream = JSON.parse(
  readFileSync(new URL('../fixtures/upstream/megatron-flags.json', import.meta.url), 'utf8'),
) as { flags: Record<string, unknown> };
const deepseek = transformerFromHuggingFaceConfig(
  JSON.parse(
    readFileSync(new URL('../fixtures/hf-moe/deepseek-v3.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>,
);

const valueOf = (argv: readonly string[], flag: string): string | undefined =>
  argv[argv.indexOf(flag) + 1];

describe('Megatron MoE / CP / FP8 flags', () => {
  const plan = makePlan({
    spec: deepseek,
    strategy: {
      tp: 2,
      cp: 2,
      dp: 16,
      pp: 1,
      ep: 32,
      etp: 1,
      numMicroBatches: 1,
      layersPerStage: null,
    },
    training: {
      precision: 'fp8',
      moe: {
        dispatcher: 'deepep',
        routing: 'forced-balance',
        capacityFactor: 1,
        imbalanceFactor: 1.25,
        overlapAllToAll: true,
      },
    },
  });
  const argv = megatronArgs(plan, deepseek).argv;
  it('every emitted flag exists upstream', () => {
    const flags = argv.filter((w) => w.startsWith('--'));
    expect(flags.filter((f) => !(f in upstream.flags))).toEqual([]);
  });
  it.each([
    ['--num-experts', '256'],
    ['--moe-router-topk', '8'],
    ['--moe-ffn-hidden-size', '2048'],
    ['--moe-shared-expert-intermediate-size', '2048'],
    ['--moe-layer-freq', '([0]*3+[1]*58)'],
    ['--expert-model-parallel-size', '32'],
    ['--expert-tensor-parallel-size', '1'],
    ['--context-parallel-size', '2'],
    ['--cp-comm-type', 'p2p'],
    ['--moe-token-dispatcher-type', 'flex'],
    ['--moe-flex-dispatcher-backend', 'deepep'],
    ['--q-lora-rank', '1536'],
    ['--kv-lora-rank', '512'],
    ['--qk-head-dim', '128'],
    ['--qk-pos-emb-head-dim', '64'],
    ['--v-head-dim', '128'],
    ['--fp8-format', 'hybrid'],
    ['--fp8-recipe', 'delayed'],
  ])('%s %s', (flag, value) => {
    expect(valueOf(argv, flag)).toBe(value);
  });
  it('switches: grouped GEMM, MLA, forced balance, overlapped all-to-all', () => {
    for (const flag of [
      '--moe-grouped-gemm',
      '--multi-latent-attention',
      '--moe-router-force-load-balancing',
      '--overlap-moe-expert-parallel-comm',
    ])
      expect(argv).toContain(flag);
  });
  it('multi-token prediction: --mtp-num-layers 1 (num_nextn_predict_layers)', () => {
    expect(deepseek.mtpLayers).toBe(1);
    expect(valueOf(argv, '--mtp-num-layers')).toBe('1');
  });
  it("an uneven split's layout carries the MTP layer before the loss; the launch check counts it", () => {
    // 61 layers on pp 4: 16/15/15/15, the last stage holding the MTP depth and the head.
    const uneven = makePlan({
      spec: deepseek,
      strategy: { tp: 8, pp: 4, dp: 8, ep: 8, layersPerStage: [16, 15, 15, 15] },
    });
    const out = megatronArgs(uneven, deepseek);
    expect(valueOf(out.argv, '--pipeline-model-parallel-layout')).toBe('Et*16|t*15|t*15|t*15mL');
    const check = (words: readonly string[]) =>
      megatronLaunchCheck({
        argv: words,
        env: out.env,
        worldSize: uneven.worldSize,
        deviceArchMajor: 9,
      }).map((v) => v.message);
    expect(check(out.argv)).toEqual([]);
    const at = out.argv.indexOf('--mtp-num-layers');
    const withoutFlag = out.argv.filter((_, i) => i !== at && i !== at + 1);
    expect(check(withoutFlag)).toContain(
      'Number of mtp layers in layout must match mtp_num_layers',
    );
  });
  it('--moe-layer-freq of an interleaved model (Llama 4 Maverick pattern)', () => {
    const spec = {
      ...deepseek,
      numLayers: 4,
      moe: { ...(deepseek.moe ?? ({} as never)), firstDenseLayers: 0, layerInterval: 2 },
    };
    expect(moeLayerFreq(spec)).toBe('([0]*1+[1]*1+[0]*1+[1]*1)');
  });
});

const divisorsOf = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

describe('expert rank groups (MoE parallel folding, Megatron order tp-cp-ep-dp-pp)', () => {
  const rand = lcg(11);
  const combos = Array.from({ length: 80 }, () => {
    const tp = pick(rand, [1, 2, 4]);
    const cp = pick(rand, [1, 2]);
    const dp = pick(rand, [1, 2, 4, 8]);
    const pp = pick(rand, [1, 2, 4]);
    const stage = tp * cp * dp;
    const etp = pick(rand, [...new Set([1, tp])]);
    const ep = pick(rand, divisorsOf(stage / etp));
    return { tp, cp, dp, pp, ep, etp };
  });
  it.each(combos)('tp=$tp cp=$cp dp=$dp pp=$pp ep=$ep etp=$etp', (d) => {
    const plan = makePlan({ strategy: { ...d, numMicroBatches: 1 }, gpusPerNode: 8 });
    const map = rankMap(plan);
    const stage = d.tp * d.cp * d.dp;
    const edp = stage / (d.ep * d.etp);
    const all = map.ranks.map((r) => r.rank);
    for (const [groups, size] of [
      [map.expertTensorParallelGroups, d.etp],
      [map.expertParallelGroups, d.ep],
      [map.expertDataParallelGroups, edp],
    ] as const) {
      // Each family partitions the world into groups of its size...
      expect(groups.length).toBe(plan.worldSize / size);
      expect(groups.every((g) => g.length === size)).toBe(true);
      expect(groups.flat().sort((a, b) => a - b)).toEqual(all);
      // ...and every group stays inside one pipeline stage (folding: same GPUs as attention).
      for (const g of groups) expect(new Set(g.map((r) => Math.floor(r / stage))).size).toBe(1);
    }
    // ETP varies fastest, then EP: an EP group strides by etp.
    for (const g of map.expertParallelGroups)
      for (let i = 1; i < g.length; i++) expect((g[i] ?? 0) - (g[i - 1] ?? 0)).toBe(d.etp);
    // With etp = tp the expert-TP groups are the attention TP groups (Megatron's default).
    if (d.etp === d.tp) expect(map.expertTensorParallelGroups).toEqual(map.tensorParallelGroups);
  });
  it('Megatron example: tp 2, dp 4, ep 4, etp 1 on 8 GPUs', () => {
    const e = { etp: 1, ep: 4, edp: 2, stage: 8 };
    expect(expertGroupOf(e, 0, 'ep')).toEqual([0, 1, 2, 3]);
    expect(expertGroupOf(e, 5, 'ep')).toEqual([4, 5, 6, 7]);
    expect(expertGroupOf(e, 1, 'edp')).toEqual([1, 5]);
  });
});

describe('torchtitan degrees', () => {
  it('context and expert degrees; ETP > 1 is refused naming the field', async () => {
    const { torchtitanConfig } = await import('../../src/export/torchtitan.js');
    const plan = makePlan({
      spec: deepseek,
      strategy: { tp: 1, cp: 2, dp: 8, pp: 1, ep: 8, numMicroBatches: 1, layersPerStage: null },
    });
    const text = JSON.stringify(torchtitanConfig(plan, deepseek));
    expect(text).toMatch(/context_parallel_degree/);
    expect(text).toMatch(/expert_parallel_degree/);
    const etp = makePlan({
      spec: deepseek,
      strategy: { tp: 2, cp: 1, dp: 4, pp: 1, ep: 4, etp: 2, numMicroBatches: 1 },
    });
    expect(() => torchtitanConfig(etp, deepseek)).toThrow(/expertTensorParallel/);
  });
});
