/**
 * The launch checks, rule by rule: each test is named after the upstream rule it encodes and shows
 * that the check rejects what upstream rejects and that the export now satisfies it (issue #16).
 */
import { describe, expect, it } from 'vitest';
import { deepspeedConfig } from '../../src/export/deepspeed.js';
import { deepspeedLaunchCheck } from '../../src/export/deepspeed-launch-check.js';
import { megatronArgs } from '../../src/export/megatron.js';
import { megatronLaunchCheck } from '../../src/export/megatron-launch-check.js';
import { parseLaunchCommand } from '../../src/export/parse-megatron.js';
import { torchtitanConfig } from '../../src/export/torchtitan.js';
import { torchtitanLaunchCheck } from '../../src/export/torchtitan-launch-check.js';
import {
  deepspeedLayerSplit,
  partitionBalanced,
  torchtitanLayerSplit,
  torchtitanSplitOptions,
} from '../../src/plan/index.js';
import { seededRandom } from '../fixtures/seeded-random.js';
import { GPT_SPEC, LLAMA_SPEC, makePlan } from './plans.js';

const HOPPER = 9;
const BLACKWELL = 10;
const rules = (v: readonly { rule: string }[]): string[] => v.map((x) => x.rule);

describe('Megatron-LM launch rules', () => {
  const plan = makePlan({ strategy: { tp: 4, pp: 2, dp: 2 } });
  const out = megatronArgs(plan, LLAMA_SPEC);
  const launch = { argv: out.argv, env: out.env, worldSize: plan.worldSize };

  it('megatron arguments.py: TP>1 requires CUDA_DEVICE_MAX_CONNECTIONS=1 before Blackwell', () => {
    expect(megatronLaunchCheck({ ...launch, env: {}, deviceArchMajor: HOPPER })).toEqual([
      expect.objectContaining({
        rule: 'megatron/training/arguments.py validate_args',
        message: expect.stringMatching(/CUDA_DEVICE_MAX_CONNECTIONS to 1/) as unknown,
      }),
    ]);
    expect(megatronLaunchCheck({ ...launch, env: {}, deviceArchMajor: BLACKWELL })).toEqual([]);
    // The exported command itself carries it: what the shell runs, parsed back from the text.
    const parsed = parseLaunchCommand(out.text);
    expect(parsed.env).toEqual({ CUDA_DEVICE_MAX_CONNECTIONS: '1' });
    expect(parsed.argv).toEqual(out.argv);
    expect(out.text.startsWith('CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun ')).toBe(true);
    expect(megatronLaunchCheck({ ...parsed, worldSize: 16, deviceArchMajor: HOPPER })).toEqual([]);
  });
  it('megatron arguments.py: CP>1 requires CUDA_DEVICE_MAX_CONNECTIONS=1 before Blackwell', () => {
    const cp = makePlan({ strategy: { tp: 1, cp: 2, pp: 1, dp: 4 } });
    const e = megatronArgs(cp, LLAMA_SPEC);
    expect(e.env).toEqual({ CUDA_DEVICE_MAX_CONNECTIONS: '1' });
    const check = (env: Record<string, string>) =>
      megatronLaunchCheck({ argv: e.argv, env, worldSize: 8, deviceArchMajor: HOPPER });
    expect(check({})).toHaveLength(1);
    expect(check(e.env)).toEqual([]);
  });
  it('megatron arguments.py: no environment without TP or CP (DP overlap keeps many connections)', () => {
    const dpOnly = megatronArgs(makePlan({ strategy: { tp: 1, pp: 2, dp: 4 } }), LLAMA_SPEC);
    expect(dpOnly.env).toEqual({});
    expect(dpOnly.text.startsWith('torchrun ')).toBe(true);
  });
  it('megatron arguments.py: FSDP requires CUDA_DEVICE_MAX_CONNECTIONS > 1 or unset', () => {
    const argv = [...launch.argv, '--use-megatron-fsdp'];
    const v = megatronLaunchCheck({ ...launch, argv, deviceArchMajor: HOPPER });
    expect(v.map((x) => x.message)).toEqual([
      'FSDP requires CUDA_DEVICE_MAX_CONNECTIONS > 1 or unset.',
    ]);
  });
  it('megatron arguments.py: world size divisible by tp·pp·cp', () => {
    const v = megatronLaunchCheck({ ...launch, worldSize: 12, deviceArchMajor: HOPPER });
    expect(v.some((x) => /not divisible by total_model_size/.test(x.message))).toBe(true);
  });
  it('megatron num_microbatches_calculator.py: global batch divisible by micro batch × dp', () => {
    const v = megatronLaunchCheck({ ...launch, worldSize: 48, deviceArchMajor: HOPPER });
    expect(v.some((x) => /global batch size \(16\) is not divisible/.test(x.message))).toBe(true);
  });
  it('megatron arguments.py: one of --num-virtual-stages-per-pipeline-rank / --pipeline-model-parallel-layout', () => {
    const argv = [
      ...launch.argv,
      '--num-virtual-stages-per-pipeline-rank',
      '2',
      '--pipeline-model-parallel-layout',
      'Et*40|t*40L',
    ];
    const v = megatronLaunchCheck({ ...launch, argv, deviceArchMajor: HOPPER });
    expect(v.some((x) => /No more than one/.test(x.message))).toBe(true);
  });
  it('megatron pipeline_parallel_layer_layout.py: E first, L last, decoder count = --num-layers', () => {
    const uneven = makePlan({
      spec: GPT_SPEC,
      strategy: { tp: 1, pp: 4, dp: 4, sequenceParallel: false, layersPerStage: [6, 8, 9, 7] },
    });
    const argv = megatronArgs(uneven, GPT_SPEC).argv;
    const ok = { argv, env: {}, worldSize: 16, deviceArchMajor: HOPPER };
    expect(megatronLaunchCheck(ok)).toEqual([]);
    const bad = argv.map((w) => (w === 'Et*6|t*8|t*9|t*7L' ? 't*6|Et*8|t*9|t*7L' : w));
    expect(megatronLaunchCheck({ ...ok, argv: bad }).map((x) => x.message)).toContain(
      'The first layer must be embedding',
    );
    const short = argv.map((w) => (w === 'Et*6|t*8|t*9|t*7L' ? 'Et*6|t*8|t*9|t*6L' : w));
    expect(megatronLaunchCheck({ ...ok, argv: short }).map((x) => x.rule)).toContain(
      'megatron/core/transformer/pipeline_parallel_layer_layout.py validate_layer_layout',
    );
  });
  it('megatron schedules.py: interleaving needs the micro-batch count to be a multiple of pp', () => {
    const argv = [...launch.argv, '--num-virtual-stages-per-pipeline-rank', '2'].map((w, i, a) =>
      a[i - 1] === '--global-batch-size' ? '6' : w,
    );
    // dp = 16 / (4 · 2) = 2, global batch 6 → 3 micro-batches of 1, not a multiple of pp = 2.
    const v = megatronLaunchCheck({ ...launch, argv, deviceArchMajor: HOPPER });
    expect(v.map((x) => x.message)).toEqual([
      'interleaved schedule: number of microbatches (3) must be a multiple of microbatch_group_size_per_vp_stage (pp=2)',
    ]);
  });
  it('megatron arguments.py: --overlap-param-gather needs the distributed optimizer', () => {
    const argv = launch.argv.filter((w) => w !== '--use-distributed-optimizer');
    const v = megatronLaunchCheck({ ...launch, argv, deviceArchMajor: HOPPER });
    expect(v.map((x) => x.message)).toContain(
      '--overlap-param-gather only supported with distributed optimizer',
    );
  });
  it('megatron transformer_config.py: full recompute needs a method and a layer count', () => {
    const v = megatronLaunchCheck({
      ...launch,
      argv: [...launch.argv, '--recompute-granularity', 'full'],
      deviceArchMajor: HOPPER,
    });
    expect(v).toHaveLength(2);
  });
});

describe('DeepSpeed launch rules', () => {
  it('deepspeed config.py _batch_assertion: PipelineModule(num_stages) with tp>1 counts dp = world / pp', () => {
    const plan = makePlan({
      strategy: { tp: 2, pp: 2, dp: 4, sequenceParallel: false, zeroStage: 1 },
    });
    const out = deepspeedConfig(plan, LLAMA_SPEC);
    // What the export gave before: PipelineModule(num_stages=pp), so DeepSpeed's dp = world / pp.
    const numStagesOnly = {
      topology: { numPp: 2, numMp: 1, numDp: 8 },
      mpu: 'pipeline-grid',
    } as const;
    const old = deepspeedLaunchCheck({
      config: out.config,
      launch: { ...numStagesOnly, activationCheckpointInterval: 0 },
      worldSize: 16,
    });
    expect(old.map((x) => x.message)).toContain(
      'train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step * world_size 32 != 1 * 8 * 8',
    );
    // Now: PipeModelDataParallelTopology(num_pp=2, num_mp=2, num_dp=4).
    expect(out.launch.topology).toEqual({ numPp: 2, numMp: 2, numDp: 4 });
    expect(out.script).toContain(
      'topology=PipeModelDataParallelTopology(num_pp=2, num_mp=2, num_dp=4)',
    );
    expect(deepspeedLaunchCheck({ ...out, worldSize: 16 })).toEqual([]);
  });
  it('deepspeed config.py _batch_assertion: AutoTP without an mpu counts the whole world as dp', () => {
    const plan = makePlan({ strategy: { tp: 4, pp: 1, dp: 4, sequenceParallel: false } });
    const out = deepspeedConfig(plan, LLAMA_SPEC);
    expect(out.config['tensor_parallel']).toEqual({ autotp_size: 4 });
    const noMpu = deepspeedLaunchCheck({
      config: out.config,
      launch: { ...out.launch, mpu: null },
      worldSize: 16,
    });
    expect(noMpu).toHaveLength(1);
    expect(out.launch.mpu).toBe('deepspeed.utils.groups');
    expect(out.script).toContain('groups._init_tp_mesh_device(tensor_model_parallel_size=4)');
    expect(out.script).toContain('mpu=groups');
    expect(deepspeedLaunchCheck({ ...out, worldSize: 16 })).toEqual([]);
  });
  it('deepspeed engine.py _configure_tensor_parallel_states: no AutoTP with PipelineModule', () => {
    const plan = makePlan({ strategy: { tp: 2, pp: 2, dp: 4, sequenceParallel: false } });
    const out = deepspeedConfig(plan, LLAMA_SPEC);
    expect(out.config['tensor_parallel']).toBeUndefined();
    const withAutoTp = { ...out.config, tensor_parallel: { autotp_size: 2 } };
    expect(
      rules(deepspeedLaunchCheck({ config: withAutoTp, launch: out.launch, worldSize: 16 })),
    ).toEqual(['deepspeed/runtime/engine.py _configure_tensor_parallel_states']);
  });
  it('deepspeed topology.py _is_grid_valid: pipe × model × data = world size', () => {
    const out = deepspeedConfig(makePlan(), LLAMA_SPEC);
    const v = deepspeedLaunchCheck({ ...out, worldSize: 32 });
    expect(rules(v)).toContain(
      'deepspeed/runtime/pipe/topology.py PipelineParallelGrid._is_grid_valid',
    );
  });
  it('deepspeed checkpointing.py configure: contiguous buffers need partitioned activations and number_checkpoints', () => {
    const plan = makePlan({
      strategy: { tp: 2, pp: 1, dp: 4, recompute: 'full', sequenceParallel: false },
    });
    const out = deepspeedConfig(plan, LLAMA_SPEC);
    // What the export gave before for tp > 1: contiguous on, no number_checkpoints.
    const before = {
      ...out.config,
      activation_checkpointing: {
        partition_activations: true,
        contiguous_memory_optimization: true,
      },
    };
    expect(deepspeedLaunchCheck({ config: before, launch: out.launch, worldSize: 8 })).toEqual([
      expect.objectContaining({
        message: 'Must specify the number of layers with contiguous memory checkpointing',
      }),
    ]);
    expect(out.config['activation_checkpointing']).toEqual({
      partition_activations: false,
      contiguous_memory_optimization: false,
    });
    expect(deepspeedLaunchCheck({ ...out, worldSize: 8 })).toEqual([]);
  });
  it('deepspeed pipe/engine.py: ZeRO-2/3 are incompatible with pipeline parallelism', () => {
    const out = deepspeedConfig(makePlan({ strategy: { sequenceParallel: false } }), LLAMA_SPEC);
    const zero2 = { ...out.config, zero_optimization: { stage: 2 } };
    expect(
      rules(deepspeedLaunchCheck({ config: zero2, launch: out.launch, worldSize: 8 })),
    ).toEqual(['deepspeed/runtime/pipe/engine.py PipelineEngine.__init__']);
  });
  // Reference values from running deepspeed/runtime/utils.py partition_balanced (numpy) as of
  // edaa7221 on the same inputs; layer list [embedding, L transformer layers, final norm, LM head].
  it.each([
    [70, 12, [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5]],
    [70, 6, [12, 12, 12, 12, 11, 11]],
    [30, 4, [8, 8, 7, 7]],
    [80, 16, Array<number>(16).fill(5)],
    [80, 6, [14, 14, 13, 13, 13, 13]],
    [96, 7, [14, 14, 14, 14, 14, 13, 13]],
    [126, 8, [16, 16, 16, 16, 16, 16, 15, 15]],
    [40, 3, [14, 13, 13]],
    [5, 4, [2, 1, 1, 1]],
    [3, 4, [1, 1, 1, 0]],
    [61, 5, [13, 12, 12, 12, 12]],
  ])(
    "deepspeed module.py _partition_layers 'type:': %i layers on %i stages → %j",
    (layers, stages, split) => {
      expect(deepspeedLayerSplit(layers, stages)).toEqual(split);
    },
  );
  it.each([
    [[9, 8, 2, 5, 9, 7, 9, 1], 2, [0, 4, 8]],
    [[4, 8, 3, 3, 7, 8, 8, 7, 6, 2, 3, 2], 5, [0, 2, 5, 6, 8, 12]],
    [[1, 2, 9, 0, 4], 2, [0, 4, 5]],
    [[7, 9, 6, 6, 6, 9, 7, 2, 5], 2, [0, 4, 9]],
  ])('deepspeed utils.py partition_balanced(%j, %i) = %j', (weights, parts, bounds) => {
    expect(partitionBalanced(weights, parts)).toEqual(bounds);
  });
  it("the uneven split DeepSpeed builds itself is 'uniform' (type:), another one is explicit", () => {
    const own = makePlan({
      spec: GPT_SPEC,
      strategy: { tp: 1, pp: 4, dp: 4, sequenceParallel: false, layersPerStage: [8, 8, 7, 7] },
    });
    expect(deepspeedConfig(own, GPT_SPEC).pipeline.partitionMethod).toBe('uniform');
    const other = makePlan({
      spec: GPT_SPEC,
      strategy: { tp: 1, pp: 4, dp: 4, sequenceParallel: false, layersPerStage: [7, 8, 8, 7] },
    });
    const out = deepspeedConfig(other, GPT_SPEC);
    expect(out.pipeline.partitionMethod).toBe('explicit');
    expect(out.notes.join(' ')).toMatch(/balances transformer layers to \[8, 8, 7, 7\]/);
  });
  it('the launch command names ds_config.json and the script builds the engine', () => {
    const out = deepspeedConfig(makePlan({ strategy: { sequenceParallel: false } }), LLAMA_SPEC);
    expect(out.command).toMatch(
      /^torchrun .* train\.py \\\n {4}--deepspeed_config ds_config\.json\n$/s,
    );
    expect(out.env).toEqual({});
    expect(out.script).toContain('deepspeed.initialize(');
  });
});

describe('torchtitan launch rules', () => {
  const overrides = (plan: ReturnType<typeof makePlan>) =>
    torchtitanConfig(plan, LLAMA_SPEC).overrides;
  it('torchtitan trainer.py _validate_cuda_graphs: pipeline parallelism needs --training.disable_cuda_graphs', () => {
    const plan = makePlan({ strategy: { zeroStage: 3 } });
    const words = overrides(plan);
    expect(words).toContain('--training.disable_cuda_graphs');
    const check = (w: readonly string[]) =>
      torchtitanLaunchCheck({ overrides: w, worldSize: 8, numLayers: 80 }).violations;
    expect(check(words)).toEqual([]);
    expect(check(words.filter((w) => w !== '--training.disable_cuda_graphs'))).toEqual([
      expect.objectContaining({
        message:
          'CUDA graphs do not support pipeline parallelism yet. Set --training.disable_cuda_graphs.',
      }),
    ]);
    const noPipeline = overrides(makePlan({ strategy: { pp: 1, dp: 4 } }));
    expect(noPipeline).not.toContain('--training.disable_cuda_graphs');
  });
  it('torchtitan pipeline_parallel.py _generate_llm_fqn_per_model_part: the command line builds the plan split', () => {
    const split = [10, 11, 10, 10, 10, 10, 10, 9];
    const plan = makePlan({
      strategy: { tp: 1, pp: 8, dp: 1, layersPerStage: split, zeroStage: 0 },
    });
    const out = torchtitanConfig(plan, LLAMA_SPEC);
    const { violations, resolved } = torchtitanLaunchCheck({
      overrides: out.overrides,
      worldSize: 8,
      numLayers: 80,
    });
    expect(violations).toEqual([]);
    expect(resolved.layersPerStage).toEqual(split);
    expect(out.settings.every((x) => x.cli)).toBe(true);
    expect(out.python).toContain('config.parallelism.module_fqns_per_model_part = None');
  });
  it('torchtitan pipeline_parallel.py _get_pipeline_metadata: stages = ceil((L + first + last) / layers_per_stage)', () => {
    // 80 layers over 16 stages with one layer off the last: 81 effective layers, and no
    // layers_per_stage gives 16 stages (5 → 17, 6 → 14), so the command line cannot say it.
    expect(torchtitanSplitOptions([6, ...Array<number>(14).fill(5), 4], 80)).toBeNull();
    expect(
      torchtitanLayerSplit(80, {
        layersPerStage: 6,
        firstStageLessLayers: 0,
        lastStageLessLayers: 1,
      }),
    ).toHaveLength(14);
  });
  it('torchtitan pipeline_parallel.py: torchtitanSplitOptions inverts the split generator (200 random cases)', () => {
    const random = seededRandom(16);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    let inverted = 0;
    for (let i = 0; i < 200; i++) {
      const numLayers = int(4, 96);
      const o = {
        layersPerStage: int(1, 24),
        firstStageLessLayers: int(0, 3),
        lastStageLessLayers: int(0, 3),
      };
      const split = torchtitanLayerSplit(numLayers, o);
      if (typeof split === 'string' || split.length < 2) continue;
      const found = torchtitanSplitOptions(split, numLayers);
      expect(found).not.toBeNull();
      if (found !== null) expect(torchtitanLayerSplit(numLayers, found)).toEqual(split);
      inverted++;
    }
    expect(inverted).toBeGreaterThan(50);
  });
  it('torchtitan parallel_dims.py _validate: dp_replicate · dp_shard · cp · tp · pp = world size', () => {
    const words = overrides(makePlan());
    const v = torchtitanLaunchCheck({ overrides: words, worldSize: 16, numLayers: 80 }).violations;
    expect(rules(v)).toContain('torchtitan/distributed/parallel_dims.py ParallelDims._validate');
  });
  it('torchtitan parallel_dims.py _validate: expert_parallel_degree divides dp_shard · cp · tp', () => {
    // DDP (ZeRO-0) has dp_shard 1: the sparse region is cp · tp = 2, which ep 4 does not divide.
    const words = overrides(makePlan({ strategy: { tp: 2, pp: 1, dp: 4, zeroStage: 0 } }));
    const check = (ep: number) =>
      torchtitanLaunchCheck({
        overrides: [...words, '--parallelism.expert_parallel_degree', String(ep)],
        worldSize: 8,
        numLayers: 80,
      }).violations.map((x) => x.message);
    expect(check(4).join()).toMatch(
      /expert_parallel_degree \(4\) must divide dp_shard \* cp \* tp \(2\)/,
    );
    expect(check(2)).toEqual([]);
  });
  it('torchtitan trainer.py: tokens per micro-batch divisible by tp (SP) · 2cp', () => {
    const plan = makePlan({
      strategy: { tp: 2, cp: 2, pp: 1, dp: 2 },
      training: { sequenceLength: 4100 },
    });
    const v = torchtitanLaunchCheck({
      overrides: overrides(plan),
      worldSize: 8,
      numLayers: 80,
    }).violations;
    expect(v.map((x) => x.message).join()).toMatch(/must be divisible by 8/);
  });
  it("torchtitan trainer.py: sequence parallelism off is stated with tyro's no_ flag", () => {
    const words = overrides(makePlan({ strategy: { sequenceParallel: false } }));
    expect(words).toContain('--parallelism.no_enable_sequence_parallel');
    const r = torchtitanLaunchCheck({ overrides: words, worldSize: 8, numLayers: 80 }).resolved;
    expect(r.sequenceParallel).toBe(false);
  });
  it('torchtitan config/manager.py _load_config: the Python configuration is called with no arguments', () => {
    const out = torchtitanConfig(makePlan(), LLAMA_SPEC);
    expect(out.python).toMatch(/^def strata_plan\(\) -> Trainer\.Config:$/m);
    expect(out.python).not.toMatch(/def strata_plan\(\w/);
    expect(out.python).toContain('    config.training.disable_cuda_graphs = True');
    expect(out.env).toEqual({});
  });
});
