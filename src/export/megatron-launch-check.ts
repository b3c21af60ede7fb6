/**
 * Megatron-LM's start-up checks on an exported `pretrain_gpt.py` command (launch-check.ts), at the
 * commit of test/fixtures/upstream/megatron-flags.json (d98e8a64). Encodes, for every flag
 * megatron.ts emits, the conditions of:
 *  - `validate_args` (megatron/training/arguments.py): world size vs model parallel size, the
 *    CUDA_DEVICE_MAX_CONNECTIONS rule, virtual-pipeline flag exclusivity, layer divisibility
 *    without a layout, --overlap-param-gather prerequisites, bf16 xor fp16, selective recompute,
 *    seq-length vs context parallel, max-position-embeddings ≥ seq-length, kv-channels;
 *  - `TransformerConfig.__post_init__` (megatron/core/transformer/transformer_config.py): heads and
 *    query groups vs tp, recompute method/num-layers, layout conflicts;
 *  - `PipelineParallelLayerLayout` (megatron/core/transformer/pipeline_parallel_layer_layout.py):
 *    stage count divisible by pp, E first and L last exactly once, decoder count = --num-layers;
 *  - `get_num_layers_to_build` (megatron/core/transformer/transformer_block.py): layers per rank
 *    divisible by virtual stages;
 *  - the microbatch calculator (megatron/core/num_microbatches_calculator.py) and the interleaved
 *    schedule's microbatch grouping (megatron/core/pipeline_parallel/schedules.py);
 *  - argparse choices of --attention-backend (AttnBackend, megatron/core/transformer/enums.py),
 *    --position-embedding-type, --normalization and --fp8-format.
 */
import type { LaunchViolation } from './launch-check.js';
import { violationCollector } from './launch-check.js';
import { parsePipelineLayout, unrollPipelineLayout } from './megatron-layout.js';
import type { MegatronFlags } from './parse-megatron.js';
import { readMegatronFlags } from './parse-megatron.js';

export interface MegatronLaunch {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** WORLD_SIZE torchrun gives the job. */
  readonly worldSize: number;
  /** `get_device_arch_version()`: the CUDA compute capability major (9 Hopper, 10 Blackwell). */
  readonly deviceArchMajor: number;
}

const ARGS = 'megatron/training/arguments.py validate_args';
const CONFIG = 'megatron/core/transformer/transformer_config.py TransformerConfig.__post_init__';
const LAYOUT = 'megatron/core/transformer/pipeline_parallel_layer_layout.py validate_layer_layout';
const BLOCK = 'megatron/core/transformer/transformer_block.py get_num_layers_to_build';
const ARGPARSE = 'megatron/training/arguments.py argparse choices';

const CHOICES: Readonly<Record<string, readonly string[]>> = {
  '--attention-backend': ['flash', 'fused', 'unfused', 'local', 'auto'],
  '--position-embedding-type': ['learned_absolute', 'rope', 'yarn', 'mrope', 'relative', 'none'],
  '--normalization': ['LayerNorm', 'RMSNorm'],
  '--fp8-format': ['e4m3', 'hybrid'],
  '--recompute-granularity': ['full', 'selective'],
  '--recompute-method': ['uniform', 'block'],
};

const BLACKWELL_ARCH_MAJOR = 10;

function int(flags: MegatronFlags, name: string, fallback: number | null): number | null {
  const v = flags.get(name);
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  return Number.isInteger(n) ? n : null;
}

function str(flags: MegatronFlags, name: string): string | null {
  const v = flags.get(name);
  return typeof v === 'string' ? v : null;
}

/** Every violated upstream rule for this launch; empty when Megatron-LM would start. */
export function megatronLaunchCheck(launch: MegatronLaunch): LaunchViolation[] {
  const flags = readMegatronFlags(launch.argv);
  const { violations, check } = violationCollector();
  const tp = int(flags, '--tensor-model-parallel-size', 1) ?? 0;
  const pp = int(flags, '--pipeline-model-parallel-size', 1) ?? 0;
  const cp = int(flags, '--context-parallel-size', 1) ?? 0;
  const numLayers = int(flags, '--num-layers', null);
  const mbs = int(flags, '--micro-batch-size', null);
  for (const [name, value] of [
    ['--num-layers', numLayers],
    ['--micro-batch-size', mbs],
    ['--hidden-size', int(flags, '--hidden-size', null)],
    ['--num-attention-heads', int(flags, '--num-attention-heads', null)],
    ['--max-position-embeddings', int(flags, '--max-position-embeddings', null)],
  ] as const) {
    check(ARGS, value !== null && value > 0, `${name} is required and must be a positive integer`);
  }
  const modelParallel = tp * pp * cp;
  check(
    ARGS,
    modelParallel > 0 && launch.worldSize % modelParallel === 0,
    `world size (${launch.worldSize}) is not divisible by total_model_size (tp=${tp} × pp=${pp} × cp=${cp})`,
  );
  const dp = modelParallel > 0 ? Math.floor(launch.worldSize / modelParallel) : 0;
  checkEnvironment(launch, flags, tp, cp, check);
  for (const [flag, choices] of Object.entries(CHOICES)) {
    const v = str(flags, flag);
    check(
      ARGPARSE,
      v === null || choices.includes(v),
      `${flag} ${String(v)}: invalid choice (${choices.join(', ')})`,
    );
  }
  check(ARGS, !(flags.has('--bf16') && flags.has('--fp16')), '--bf16 and --fp16 are exclusive');
  checkBatch(flags, mbs ?? 0, dp, pp, check);
  if (numLayers !== null) checkPipeline(flags, numLayers, pp, check);
  checkModel(flags, tp, cp, check);
  checkRecompute(flags, check);
  if (flags.has('--overlap-param-gather')) {
    check(
      ARGS,
      flags.has('--use-distributed-optimizer'),
      '--overlap-param-gather only supported with distributed optimizer',
    );
    check(
      ARGS,
      flags.has('--overlap-grad-reduce'),
      'Must use --overlap-param-gather with --overlap-grad-reduce',
    );
  }
  return violations;
}

type Check = (rule: string, ok: boolean, message: string) => void;

function checkEnvironment(
  launch: MegatronLaunch,
  flags: MegatronFlags,
  tp: number,
  cp: number,
  check: Check,
): void {
  const connections = launch.env['CUDA_DEVICE_MAX_CONNECTIONS'];
  const fsdp = flags.has('--use-torch-fsdp2') || flags.has('--use-megatron-fsdp');
  if (fsdp) {
    check(ARGS, connections !== '1', 'FSDP requires CUDA_DEVICE_MAX_CONNECTIONS > 1 or unset.');
  } else if ((tp > 1 || cp > 1) && launch.deviceArchMajor < BLACKWELL_ARCH_MAJOR) {
    check(
      ARGS,
      connections === '1',
      'Using tensor model parallelism or context parallelism require setting the environment variable CUDA_DEVICE_MAX_CONNECTIONS to 1',
    );
  }
}

function checkBatch(flags: MegatronFlags, mbs: number, dp: number, pp: number, check: Check): void {
  const gbs = int(flags, '--global-batch-size', mbs * dp) ?? 0;
  check(
    'megatron/core/num_microbatches_calculator.py ConstantNumMicroBatchesCalculator',
    mbs > 0 && dp > 0 && gbs % (mbs * dp) === 0,
    `global batch size (${gbs}) is not divisible by micro batch size (${mbs}) times data parallel size (${dp})`,
  );
  const vpp = virtualStages(flags, pp);
  if (vpp > 1 && mbs > 0 && dp > 0) {
    const m = gbs / (mbs * dp);
    check(
      'megatron/core/pipeline_parallel/schedules.py forward_backward_pipelining_with_interleaving',
      m % pp === 0,
      `interleaved schedule: number of microbatches (${m}) must be a multiple of microbatch_group_size_per_vp_stage (pp=${pp})`,
    );
  }
}

function virtualStages(flags: MegatronFlags, pp: number): number {
  const layout = str(flags, '--pipeline-model-parallel-layout');
  if (layout !== null) return Math.max(1, (parsePipelineLayout(layout)?.length ?? pp) / pp);
  return int(flags, '--num-virtual-stages-per-pipeline-rank', 1) ?? 1;
}

function checkPipeline(flags: MegatronFlags, numLayers: number, pp: number, check: Check): void {
  const layout = str(flags, '--pipeline-model-parallel-layout');
  const vppFlag = int(flags, '--num-virtual-stages-per-pipeline-rank', null);
  const set = [
    '--num-layers-per-virtual-pipeline-stage',
    '--num-virtual-stages-per-pipeline-rank',
    '--pipeline-model-parallel-layout',
  ].filter((f) => flags.has(f));
  check(
    ARGS,
    set.length <= 1,
    `No more than one of the following arguments can be set at the same time: ${set.join(', ')}`,
  );
  if (layout !== null) {
    checkLayout(flags, layout, numLayers, pp, check);
    if (virtualStages(flags, pp) > 1) checkInterleavedDegree(flags, pp, check);
    return;
  }
  const first = flags.has('--decoder-first-pipeline-num-layers');
  const last = flags.has('--decoder-last-pipeline-num-layers');
  if (!first && !last) {
    check(
      vppFlag === null ? ARGS : BLOCK,
      numLayers % pp === 0,
      `Number of layers (${numLayers}) should be divisible by the pipeline-model-parallel size (${pp})`,
    );
  }
  if (vppFlag !== null && vppFlag > 1) {
    checkInterleavedDegree(flags, pp, check);
    check(
      BLOCK,
      (numLayers / pp) % vppFlag === 0,
      `num_layers_per_pipeline_rank ${numLayers / pp} should be divisible by vp_size ${vppFlag}`,
    );
  }
}

/** validate_args: interleaving needs pp > 1 (> 2 without --overlap-p2p-comm, on by default). */
function checkInterleavedDegree(flags: MegatronFlags, pp: number, check: Check): void {
  const overlapP2p = !flags.has('--no-overlap-p2p-communication');
  check(
    ARGS,
    overlapP2p ? pp > 1 : pp > 2,
    `When interleaved schedule is used, pipeline-model-parallel size (${pp}) should be greater than ${overlapP2p ? 1 : 2}`,
  );
}

function checkLayout(
  flags: MegatronFlags,
  layout: string,
  numLayers: number,
  pp: number,
  check: Check,
): void {
  const conflicts = [
    '--decoder-first-pipeline-num-layers',
    '--decoder-last-pipeline-num-layers',
    '--account-for-embedding-in-pipeline-split',
    '--account-for-loss-in-pipeline-split',
  ].filter((f) => flags.has(f));
  check(
    CONFIG,
    conflicts.length === 0,
    `pipeline_model_parallel_layout cannot be set with other pipeline layout arguments (${conflicts.join(', ')})`,
  );
  const split = parsePipelineLayout(layout);
  check(LAYOUT, split !== null, `${layout}: elements must be valid LayerTypes (E, t, L, m)`);
  if (split === null) return;
  check(
    LAYOUT,
    split.length % pp === 0,
    `The length of pipeline_model_parallel_layout (${split.length}) must be divisible by pipeline_model_parallel_size (${pp})`,
  );
  const flat = layout.replace(/[^EL|]/g, '');
  check(LAYOUT, flat.startsWith('E'), 'The first layer must be embedding');
  check(LAYOUT, flat.endsWith('L'), 'The last layer must be loss');
  check(
    LAYOUT,
    (flat.match(/E/g) ?? []).length === 1 && (flat.match(/L/g) ?? []).length === 1,
    'Embedding and loss must be specified exactly once',
  );
  const decoders = split.reduce((a, b) => a + b, 0);
  check(
    LAYOUT,
    decoders === numLayers,
    `Number of decoder layers ${decoders} must match num_layers ${numLayers}`,
  );
  const mtp = (unrollPipelineLayout(layout).match(/m/g) ?? []).length;
  check(
    LAYOUT,
    mtp === (int(flags, '--mtp-num-layers', 0) ?? 0),
    'Number of mtp layers in layout must match mtp_num_layers',
  );
}

function checkModel(flags: MegatronFlags, tp: number, cp: number, check: Check): void {
  const hidden = int(flags, '--hidden-size', 0) ?? 0;
  const heads = int(flags, '--num-attention-heads', 0) ?? 0;
  const groups = flags.has('--group-query-attention')
    ? (int(flags, '--num-query-groups', heads) ?? 0)
    : heads;
  check(
    CONFIG,
    tp > 0 && heads % tp === 0,
    `num_attention_heads (${heads}) must be a multiple of tensor_model_parallel_size (${tp})`,
  );
  check(
    CONFIG,
    tp > 0 && groups > 0 && (groups % tp === 0 || tp % groups === 0),
    `num_query_groups (${groups}) must be a multiple or divisor of tensor_model_parallel_size (${tp})`,
  );
  if (!flags.has('--kv-channels')) {
    check(
      ARGS,
      heads > 0 && hidden % heads === 0,
      `hidden_size (${hidden}) % num_attention_heads (${heads}) != 0 and no --kv-channels`,
    );
  }
  const seq = int(flags, '--seq-length', null);
  if (seq !== null) {
    check(
      ARGS,
      (int(flags, '--max-position-embeddings', 0) ?? 0) >= seq,
      `max_position_embeddings must be greater than or equal to seq_length (${seq})`,
    );
    if (cp > 1) {
      check(
        ARGS,
        seq % (2 * cp) === 0,
        `seq-length (${seq}) should be a multiple of 2 * context-parallel-size (${cp})`,
      );
    }
  }
}

function checkRecompute(flags: MegatronFlags, check: Check): void {
  const granularity = flags.has('--recompute-activations')
    ? 'selective'
    : str(flags, '--recompute-granularity');
  const method = str(flags, '--recompute-method');
  const layers = flags.get('--recompute-num-layers');
  if (granularity === 'selective') {
    check(
      ARGS,
      method === null,
      'recompute method is not yet supported for selective recomputing granularity',
    );
    check(CONFIG, layers === undefined, 'selective recompute: recompute_num_layers must be None');
  } else if (granularity === 'full') {
    check(CONFIG, method !== null, 'full recompute: recompute_method must be "block" or "uniform"');
    check(
      CONFIG,
      layers !== undefined && layers !== true && Number(layers) >= 1,
      'full recompute: recompute_num_layers must be between 1 and num_layers_per_pipeline_rank',
    );
  }
}
