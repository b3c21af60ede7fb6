/**
 * `strata plan` and `strata estimate`: their flags, help and the request fields each flag sets
 * (POST /v1/plans and POST /v1/estimates bodies).
 */
import type { CommandSpec, FlagGroup, FlagSpec } from './flag-spec.js';
import { axisFlags } from './axis-flags.js';
import { HELP_FLAG, JSON_FLAG, QUIET_FLAG } from './flag-spec.js';

const MODEL_FLAG: FlagSpec = {
  name: 'model',
  arg: '<id|config.json>',
  help: 'zoo id (strata models) or a Hugging Face config.json',
  fields: ['model'],
};

export const CLUSTER_FLAGS: readonly FlagSpec[] = [
  {
    name: 'cluster',
    arg: '<preset>',
    help: 'cluster preset (strata clusters), with --nodes',
    fields: ['cluster', 'cluster.preset'],
  },
  { name: 'nodes', arg: '<n>', help: 'nodes in the cluster', fields: ['cluster.nodes'] },
  {
    name: 'accelerator',
    arg: '<id>',
    help: 'custom cluster: accelerator id (strata accelerators), with --gpus-per-node, --nodes',
    fields: ['cluster.accelerator'],
  },
  {
    name: 'gpus-per-node',
    arg: '<n>',
    help: 'custom cluster: GPUs per node',
    fields: ['cluster.gpusPerNode'],
  },
];

export const TRAINING_FLAGS: readonly FlagSpec[] = [
  {
    name: 'global-batch',
    arg: '<sequences>',
    help: 'global batch size in sequences',
    fields: ['training.globalBatchSize'],
  },
  {
    name: 'seq',
    arg: '<tokens>',
    help: 'sequence length',
    fields: ['training.sequenceLength'],
  },
  {
    name: 'precision',
    arg: 'bf16|fp16|fp8',
    help: 'training precision (default bf16)',
    fields: ['training.precision'],
  },
  {
    name: 'framework',
    arg: 'megatron|deepspeed|fsdp',
    help: 'the framework that runs the plan (default megatron; fsdp = torchtitan)',
    fields: ['training.framework'],
  },
  {
    name: 'flash-attention',
    arg: 'on|off',
    help: 'flash attention (default on)',
    fields: ['training.flashAttention'],
  },
  {
    name: 'dropout',
    arg: 'on|off',
    help: "dropout (default: the model's own setting)",
    fields: ['training.dropout'],
  },
  {
    name: 'overlap-grad-reduce',
    arg: 'on|off',
    help: 'overlap the gradient reduction with the backward pass (default on)',
    fields: ['training.overlapGradientReduce'],
  },
  {
    name: 'fsdp-param-dtype',
    arg: 'fp32|bf16',
    help: 'fsdp: dtype of the sharded parameters and optimizer states (default fp32)',
    fields: ['training.fsdpParameterDtype'],
  },
  {
    name: 'grad-reduce-fp32',
    arg: 'on|off',
    help: 'megatron: main gradients in fp32 (default on; off = 16-bit)',
    fields: ['training.gradientReduceInFp32'],
  },
];

const INTER_GROUP = (prefix: string): FlagSpec[] => [
  {
    name: 'inter-group-gbps',
    arg: '<GB/s>',
    help: 'bandwidth between groups, per GPU',
    fields: [`${prefix}interGroup`, `${prefix}interGroup.bandwidthGBps`],
  },
  {
    name: 'inter-group-latency-us',
    arg: '<µs>',
    help: 'latency between groups (default 20)',
    fields: [`${prefix}interGroup.latencyMicroseconds`],
  },
];

export const PRICE_FLAG = (field: string): FlagSpec => ({
  name: 'price',
  multiple: true,
  arg: '<accelerator>=<usd/GPU-h>',
  help: 'price override, repeatable',
  fields: [field],
});

const REQUEST_FLAG = (what: string): FlagSpec => ({
  name: 'request',
  arg: '<file.json|->',
  help: `a ${what} body (- reads stdin); flags override its fields`,
});

const PLAN_GROUPS: readonly FlagGroup[] = [
  {
    title: 'Model',
    flags: [
      {
        ...MODEL_FLAG,
        arg: '<id|config.json|graph.json|model.onnx>',
        help: 'zoo id, Hugging Face config.json, operator graph or ONNX file (its sequence dims bind to --seq, then required)',
      },
      {
        name: 'batch-size',
        arg: '<n>',
        help: 'ONNX: the value of symbolic batch dimensions',
        fields: ['model.batchSize'],
      },
      {
        name: 'dim',
        multiple: true,
        arg: '<name>=<n>',
        help: "ONNX: a symbolic dimension's value by dim_param name (or input[axis]), repeatable",
        fields: ['model.dimParams'],
      },
      {
        name: 'input-value',
        multiple: true,
        arg: '<name>=<x>[,<x>...]',
        help: 'ONNX: the value of an input that steers control flow (e.g. sr=16000), repeatable',
        fields: ['model.inputValues'],
      },
    ],
  },
  {
    title: 'Cluster',
    flags: [
      ...CLUSTER_FLAGS,
      {
        name: 'cluster-mix',
        arg: '<id>',
        help: 'a mixed-GPU cluster (profiles/cluster-mixes)',
        fields: ['cluster.mix'],
      },
      {
        name: 'groups',
        arg: '<preset>:<nodes>,...',
        help: 'a mixed-GPU cluster as groups of presets',
        fields: ['cluster.groups'],
      },
      ...INTER_GROUP('cluster.'),
    ],
  },
  { title: 'Training', flags: TRAINING_FLAGS },
  {
    title: 'Pin an axis (search.constraints; a comma list allows several values)',
    flags: axisFlags('search.constraints.', true),
  },
  {
    title: 'Search',
    flags: [
      {
        name: 'objective',
        arg: 'fastest|min-gpus|max-mfu|cheapest',
        help: 'what "best" means (default fastest; cheapest for mixed clusters)',
        fields: ['search.objective'],
      },
      {
        name: 'step-time-target',
        arg: '<s>',
        help: 'min-gpus: the step time to meet',
        fields: ['search.stepTimeTargetSeconds'],
      },
      {
        name: 'top',
        arg: '<k>',
        help: 'alternatives to list (default 5)',
        fields: ['search.topK'],
      },
      {
        name: 'max-candidates',
        arg: '<n>',
        help: 'bound the search (default 100,000)',
        fields: ['search.maxCandidates'],
      },
      {
        name: 'time-limit',
        arg: '<s>',
        help: 'stop after this many seconds (default: no limit in the CLI)',
        fields: ['search.timeLimitSeconds'],
      },
      {
        name: 'all-nodes',
        type: 'boolean',
        help: 'plan on every node even when fewer would be faster',
        fields: ['search.allowIdleNodes'],
      },
      {
        name: 'solver',
        arg: 'highs|javascript-lp-solver',
        help: 'operator graphs: the ILP solver',
        fields: ['search.solver'],
      },
      PRICE_FLAG('search.prices'),
    ],
  },
  {
    title: 'Input and output',
    flags: [
      REQUEST_FLAG('POST /v1/plans'),
      {
        name: 'emit',
        arg: 'megatron|deepspeed|torchtitan|torchrun|rankmap',
        help: 'append the launch file for the best plan',
        fields: ['search.exports'],
      },
      { name: 'emit-only', type: 'boolean', help: 'print only the --emit file' },
      {
        name: 'schedule-out',
        arg: '<file.svg|.csv|.json|.trace.json>',
        help: "write the best plan's simulated pipeline schedule",
      },
      {
        name: 'no-compare',
        type: 'boolean',
        help: 'do not plan the request under the other frameworks',
      },
      JSON_FLAG,
      QUIET_FLAG,
      HELP_FLAG,
    ],
  },
];

export const PLAN_SPEC: CommandSpec = {
  name: 'plan',
  summary: 'search for the best parallelism strategy',
  synopsis:
    '--model <id> (--cluster <preset> | --accelerator <id> --gpus-per-node <n>) --nodes <n> --global-batch <n> --seq <n> [flags]',
  description: [
    'Searches DP/TP/PP/SP, virtual stages, ZeRO stage, micro-batch, recompute and pipeline',
    'schedule for the fastest plan the framework can launch (POST /v1/plans, in-process). The',
    'report says which framework the plan is for and, when another would be faster, by how much.',
  ].join('\n'),
  groups: PLAN_GROUPS,
  examples: [
    'strata plan --model llama3-70b --cluster dgx-h100 --nodes 64 --global-batch 1024 --seq 8192',
    'strata plan --model llama3-70b --cluster dgx-h100 --nodes 64 --global-batch 1024 --seq 8192 --framework fsdp --tp 8',
    'strata plan --request req.json --pp 8 --vpp 4 --schedule-out schedule.svg',
    'strata plan --model llama3-8b --cluster-mix mix-a100-v100 --global-batch 512 --seq 4096',
  ],
};

export const ESTIMATE_SPEC: CommandSpec = {
  name: 'estimate',
  summary: 'estimate one strategy',
  synopsis:
    '--model <id> --cluster <preset> --nodes <n> --global-batch <n> --seq <n> --dp <n> --tp <n> --pp <n> --mbs <n> [flags]',
  description:
    'Prices the strategy you give: step time, memory per GPU, where the time goes (POST /v1/estimates).',
  groups: [
    { title: 'Model', flags: [MODEL_FLAG] },
    { title: 'Cluster', flags: CLUSTER_FLAGS },
    { title: 'Training', flags: TRAINING_FLAGS },
    {
      title: 'Strategy (--dp, --tp, --pp and --mbs are required)',
      flags: [
        ...axisFlags('strategy.', false),
        {
          name: 'cp-comm',
          arg: 'p2p|all-gather|a2a',
          help: 'how context-parallel ranks exchange K/V (default p2p)',
          fields: ['strategy.contextParallelComm'],
        },
        {
          name: 'micro-batches',
          arg: '<n>',
          help: 'micro-batches per step (default: global batch / (dp · mbs))',
          fields: ['strategy.numMicroBatches'],
        },
      ],
    },
    {
      title: 'Input and output',
      flags: [REQUEST_FLAG('POST /v1/estimates'), JSON_FLAG, HELP_FLAG],
    },
  ],
  examples: [
    'strata estimate --model llama3-8b --cluster dgx-h100 --nodes 2 --global-batch 64 --seq 4096 --dp 4 --tp 4 --pp 1 --mbs 1',
  ],
};

export const SELECT_SPEC: CommandSpec = {
  name: 'select',
  summary: 'choose a sub-cluster of an inventory under a $/hour budget (Pareto frontier)',
  synopsis: '--model <id> --global-batch <n> --seq <n> --inventory <preset>:<maxNodes>,... [flags]',
  description:
    'Plans every useful sub-cluster of the inventory and picks one under the budget or step-time\ntarget (POST /v1/cluster-selections, in-process).',
  groups: [
    { title: 'Model', flags: [MODEL_FLAG] },
    { title: 'Training', flags: TRAINING_FLAGS },
    {
      title: 'Inventory and choice',
      flags: [
        {
          name: 'inventory',
          arg: '<preset>:<maxNodes>,...',
          help: 'the nodes available, per preset',
          fields: ['inventory'],
        },
        {
          name: 'budget',
          arg: '<usd/h>',
          help: 'the most to spend per hour',
          fields: ['budgetUsdPerHour'],
        },
        {
          name: 'step-time-target',
          arg: '<s>',
          help: 'the cheapest sub-cluster meeting this step time',
          fields: ['stepTimeTargetSeconds'],
        },
        PRICE_FLAG('prices'),
        ...INTER_GROUP(''),
        {
          name: 'time-limit',
          arg: '<s>',
          help: 'stop after this many seconds (default: no limit in the CLI)',
          fields: ['timeLimitSeconds'],
        },
      ],
    },
    {
      title: 'Input and output',
      flags: [REQUEST_FLAG('POST /v1/cluster-selections'), JSON_FLAG, QUIET_FLAG, HELP_FLAG],
    },
  ],
  examples: [
    'strata select --model llama3-8b --global-batch 512 --seq 4096 --inventory dgx-h100:16,dgx-a100-80gb:32 --budget 100',
  ],
};
