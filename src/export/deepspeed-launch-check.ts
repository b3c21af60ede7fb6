/**
 * DeepSpeed's start-up checks on an exported ds_config and the topology / mpu the script is told to
 * use (launch-check.ts), at the commit of test/fixtures/upstream/deepspeed-config-keys.json:
 *  - deepspeed/runtime/config.py: `DeepSpeedConfig.__init__` takes the data-parallel world size from
 *    the mpu (`get_data_parallel_world_size()`), else the whole world; `_batch_assertion`
 *    train_batch_size = micro_batch_per_gpu × gradient_acc_step × that size, all > 0;
 *    `_initialize_params`: bf16 and fp16 not both enabled;
 *  - deepspeed/runtime/pipe/topology.py `PipelineParallelGrid._is_grid_valid`: the topology's dims
 *    multiply to the world size;
 *  - deepspeed/runtime/pipe/engine.py `PipelineEngine.__init__`: ZeRO stage < 2 with pipelining;
 *  - deepspeed/runtime/engine.py `_configure_tensor_parallel_states`: AutoTP rebuilds the mpu as a
 *    (world / tp, tp) mesh over all ranks, which would replace a PipelineModule's grid;
 *  - deepspeed/utils/groups.py `_init_tp_groups_with_new_group` / `_ensure_divisibility`: tp divides
 *    the world;
 *  - deepspeed/runtime/activation_checkpointing/checkpointing.py `configure`: contiguous
 *    checkpointing needs partitioned activations and number_checkpoints.
 * Key validity (every key exists upstream) is checked against the fixture in the tests.
 */
import type { DeepSpeedConfig } from './deepspeed.js';
import type { DeepSpeedLaunch, DeepSpeedTopology } from './deepspeed-script.js';
import type { LaunchViolation } from './launch-check.js';
import { violationCollector } from './launch-check.js';

export interface DeepSpeedLaunchInput {
  readonly config: DeepSpeedConfig;
  readonly launch: DeepSpeedLaunch;
  readonly worldSize: number;
}

const section = (config: DeepSpeedConfig, key: string): Readonly<Record<string, unknown>> => {
  const v = config[key];
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
};

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** DeepSpeed's data-parallel world size for the batch identity (DeepSpeedConfig.__init__). */
export function deepspeedDataParallelSize(x: DeepSpeedLaunchInput): number {
  switch (x.launch.mpu) {
    case 'pipeline-grid':
      return x.launch.topology?.numDp ?? Number.NaN;
    case 'deepspeed.utils.groups':
      return x.worldSize / num(section(x.config, 'tensor_parallel')['autotp_size']);
    case null:
      return x.worldSize;
  }
}

type Check = (rule: string, ok: boolean, message: string) => void;

/** config.py: the batch identity under DeepSpeed's data-parallel size, and bf16 xor fp16. */
function checkConfig(x: DeepSpeedLaunchInput, check: Check): void {
  const c = x.config;
  const train = num(c['train_batch_size']);
  const micro = num(c['train_micro_batch_size_per_gpu']);
  const accumulation = num(c['gradient_accumulation_steps']);
  const dp = deepspeedDataParallelSize(x);
  const BATCH = 'deepspeed/runtime/config.py DeepSpeedConfig._batch_assertion';
  check(BATCH, train > 0, `Train batch size: ${train} has to be greater than 0`);
  check(BATCH, micro > 0, `Micro batch size per gpu: ${micro} has to be greater than 0`);
  check(
    BATCH,
    accumulation > 0,
    `Gradient accumulation steps: ${accumulation} has to be greater than 0`,
  );
  check(
    BATCH,
    train === micro * accumulation * dp,
    `train_batch_size is not equal to micro_batch_per_gpu * gradient_acc_step * world_size ${train} != ${micro} * ${accumulation} * ${dp}`,
  );
  check(
    'deepspeed/runtime/config.py DeepSpeedConfig._initialize_params',
    !(section(c, 'bf16')['enabled'] === true && section(c, 'fp16')['enabled'] === true),
    'bfloat16 and fp16 modes cannot be simultaneously enabled',
  );
}

/** PipelineModule's grid, ZeRO with pipelining, AutoTP against the grid, the initialize mpu. */
function checkPipeline(x: DeepSpeedLaunchInput, topology: DeepSpeedTopology, check: Check): void {
  check(
    'deepspeed/runtime/pipe/topology.py PipelineParallelGrid._is_grid_valid',
    topology.numPp * topology.numMp * topology.numDp === x.worldSize,
    `Invalid Grid: ${topology.numPp} × ${topology.numMp} × ${topology.numDp} != world size ${x.worldSize}`,
  );
  const stage = num(section(x.config, 'zero_optimization')['stage']);
  check(
    'deepspeed/runtime/pipe/engine.py PipelineEngine.__init__',
    !(stage >= 2),
    `ZeRO-2 and ZeRO-3 are incompatible with pipeline parallelism (stage ${stage})`,
  );
  const autotp = num(section(x.config, 'tensor_parallel')['autotp_size']);
  check(
    'deepspeed/runtime/engine.py _configure_tensor_parallel_states',
    !(autotp > 1),
    `tensor_parallel.autotp_size=${autotp} would replace the PipelineModule grid by a (world / tp, tp) mesh`,
  );
  check(
    'deepspeed/__init__.py initialize',
    x.launch.mpu === 'pipeline-grid',
    'mpu must be None with pipeline parallelism (the PipelineModule grid is used)',
  );
}

/** checkpointing.py configure: contiguous buffers need partitioning and a buffer count. */
function checkActivationCheckpointing(config: DeepSpeedConfig, check: Check): void {
  const ac = section(config, 'activation_checkpointing');
  if (ac['contiguous_memory_optimization'] !== true) return;
  const CKPT = 'deepspeed/runtime/activation_checkpointing/checkpointing.py configure';
  check(
    CKPT,
    ac['partition_activations'] === true,
    'Contiguous Checkpointing is only available with partitioned activations',
  );
  check(
    CKPT,
    typeof ac['number_checkpoints'] === 'number',
    'Must specify the number of layers with contiguous memory checkpointing',
  );
}

/** Every violated upstream rule; empty when DeepSpeed would start with this config and script. */
export function deepspeedLaunchCheck(x: DeepSpeedLaunchInput): LaunchViolation[] {
  const { violations, check } = violationCollector();
  checkConfig(x, check);
  if (x.launch.topology !== null) checkPipeline(x, x.launch.topology, check);
  const autotp = num(section(x.config, 'tensor_parallel')['autotp_size']);
  if (autotp > 1) {
    check(
      'deepspeed/utils/groups.py _ensure_divisibility',
      x.worldSize % autotp === 0,
      `${x.worldSize} is not divisible by autotp_size ${autotp}`,
    );
  }
  checkActivationCheckpointing(x.config, check);
  return violations;
}
