/**
 * What a DeepSpeed training script must do for a plan, beyond ds_config.json: the process topology,
 * the mpu handed to `deepspeed.initialize` (it sets DeepSpeed's data-parallel size, hence the batch
 * identity), PipelineModule's partitioning and checkpoint interval; and the launch command.
 * Upstream names (deepspeedai/DeepSpeed, commit in test/fixtures/upstream/deepspeed-config-keys.json):
 *  - PipeModelDataParallelTopology(num_pp, num_mp, num_dp): deepspeed/runtime/pipe/topology.py;
 *  - PipelineModule(layers, topology, partition_method, activation_checkpoint_interval,
 *    checkpointable_layers, loss_fn) and `.mpu()`: deepspeed/runtime/pipe/module.py;
 *  - deepspeed.initialize(model, model_parameters, config, mpu): deepspeed/__init__.py (takes
 *    `model.mpu()` itself for a PipelineModule and asserts no other mpu is passed);
 *  - deepspeed.utils.groups._init_tp_mesh_device(tensor_model_parallel_size): the (dp, tp) mesh the
 *    AutoTP engine builds itself (engine.py `_configure_tensor_parallel_states`); calling it first and
 *    passing `groups` as the mpu makes DeepSpeedConfig count dp = world / tp;
 *  - deepspeed.checkpointing.configure(mpu_, deepspeed_config): activation_checkpointing/checkpointing.py.
 */
import type { Plan } from '../plan/index.js';
import { envWords, NO_ENV } from './env.js';
import { multiLineCommand } from './shell.js';
import { torchrunHead } from './torchrun.js';

/** PipeModelDataParallelTopology's dimensions. */
export interface DeepSpeedTopology {
  readonly numPp: number;
  readonly numMp: number;
  readonly numDp: number;
}

export interface DeepSpeedPipeline {
  /** Pipeline stages (the topology's pipe axis). */
  readonly numStages: number;
  /**
   * 'uniform': the split `partition_method='type:<transformer layer class>'` builds (transformer
   * layers weigh 1, the rest 0, balanced by partition_balanced; even when pp divides the layers),
   * plan/expressible.ts deepspeedLayerSplit. The 'uniform' partition_method itself would also count
   * the embedding and head specs, so the script passes 'type:'. 'explicit': another split, see notes.
   */
  readonly partitionMethod: 'uniform' | 'explicit';
  /** Transformer layers per stage, in stage order. */
  readonly layersPerStage: readonly number[];
}

export interface DeepSpeedLaunch {
  /** PipelineModule(topology=PipeModelDataParallelTopology(...)) with pp > 1; null without. */
  readonly topology: DeepSpeedTopology | null;
  /**
   * The mpu DeepSpeedConfig reads the data-parallel size from: the PipelineModule's grid
   * (`model.mpu()`), deepspeed.utils.groups after `_init_tp_mesh_device` (AutoTP), or none (the
   * whole world is data parallel).
   */
  readonly mpu: 'pipeline-grid' | 'deepspeed.utils.groups' | null;
  /** PipelineModule(activation_checkpoint_interval=...): 1 = every layer, 0 = off; null without pipelining. */
  readonly activationCheckpointInterval: number | null;
}

export const DS_CONFIG_FILE = 'ds_config.json';

export function deepspeedLaunch(plan: Plan): DeepSpeedLaunch {
  const s = plan.strategy;
  if (s.pp > 1) {
    return {
      topology: { numPp: s.pp, numMp: s.tp, numDp: plan.worldSize / (s.pp * s.tp) },
      mpu: 'pipeline-grid',
      activationCheckpointInterval: s.recompute === 'full' ? 1 : 0,
    };
  }
  return {
    topology: null,
    mpu: s.tp > 1 ? 'deepspeed.utils.groups' : null,
    activationCheckpointInterval: null,
  };
}

const TRANSFORMER_LAYER_LINE =
  'TRANSFORMER_LAYER = "ParallelTransformerLayerPipe"  # class name of your transformer layer';

function pipelineScript(
  plan: Plan,
  t: DeepSpeedTopology,
  interval: number,
  pipeline: DeepSpeedPipeline,
): string[] {
  const split =
    pipeline.partitionMethod === 'uniform'
      ? `transformer layers per stage: ${pipeline.layersPerStage.join(', ')}`
      : `the plan's split [${pipeline.layersPerStage.join(', ')}] needs more: see notes`;
  return [
    'import deepspeed',
    'from deepspeed.pipe import PipelineModule',
    'from deepspeed.runtime.pipe.topology import PipeModelDataParallelTopology',
    '',
    TRANSFORMER_LAYER_LINE,
    '',
    '',
    'def build_engine(layers, loss_fn):',
    `    """layers: LayerSpecs in order: embedding, the transformer layers, final norm, LM head."""`,
    '    deepspeed.init_distributed()',
    '    model = PipelineModule(',
    '        layers=layers,',
    `        topology=PipeModelDataParallelTopology(num_pp=${t.numPp}, num_mp=${t.numMp}, num_dp=${t.numDp}),`,
    `        partition_method="type:" + TRANSFORMER_LAYER,  # ${split}`,
    `        activation_checkpoint_interval=${interval},`,
    '        checkpointable_layers=[TRANSFORMER_LAYER],',
    '        loss_fn=loss_fn,',
    '    )',
    ...(plan.strategy.recompute === 'none'
      ? []
      : [
          `    deepspeed.checkpointing.configure(model.mpu(), deepspeed_config="${DS_CONFIG_FILE}")`,
        ]),
    '    engine, _, _, _ = deepspeed.initialize(',
    `        model=model, model_parameters=model.parameters(), config="${DS_CONFIG_FILE}"`,
    '    )',
    '    return engine',
  ];
}

function dataParallelScript(plan: Plan): string[] {
  const s = plan.strategy;
  const autotp = s.tp > 1;
  return [
    'import deepspeed',
    ...(autotp ? ['from deepspeed.utils import groups'] : []),
    '',
    '',
    'def build_engine(model):',
    ...(s.recompute === 'full'
      ? [
          '    """model: wrap every transformer layer in deepspeed.checkpointing.checkpoint',
          '    (Hugging Face models: model.gradient_checkpointing_enable())."""',
        ]
      : []),
    '    deepspeed.init_distributed()',
    ...(autotp
      ? [
          `    # (dp, tp) mesh of ${plan.worldSize / s.tp} × ${s.tp}: DeepSpeed then counts dp = world / tp.`,
          `    groups._init_tp_mesh_device(tensor_model_parallel_size=${s.tp})`,
        ]
      : []),
    ...(s.recompute === 'none'
      ? []
      : [
          `    deepspeed.checkpointing.configure(${autotp ? 'groups' : 'None'}, deepspeed_config="${DS_CONFIG_FILE}")`,
        ]),
    '    engine, _, _, _ = deepspeed.initialize(',
    `        model=model, model_parameters=model.parameters(), config="${DS_CONFIG_FILE}"${autotp ? ', mpu=groups' : ''}`,
    '    )',
    '    return engine',
  ];
}

/** The training-script snippet and the launch command for a plan. */
export function deepspeedScript(
  plan: Plan,
  launch: DeepSpeedLaunch,
  pipeline: DeepSpeedPipeline,
): { readonly script: string; readonly command: string } {
  const lines =
    launch.topology === null
      ? dataParallelScript(plan)
      : pipelineScript(plan, launch.topology, launch.activationCheckpointInterval ?? 0, pipeline);
  const head = [
    ...envWords(NO_ENV),
    ...torchrunHead(plan, '$NODE_RANK', '$MASTER_ADDR:$MASTER_PORT'),
    'train.py',
  ];
  return {
    script: `# Strata plan for ${plan.modelName} on ${plan.worldSize} × ${plan.acceleratorId}.\n${lines.join('\n')}\n`,
    command: multiLineCommand(head, ['--deepspeed_config', DS_CONFIG_FILE]),
  };
}
