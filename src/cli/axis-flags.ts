/**
 * The strategy-axis flags (--dp … --schedule) shared by `strata plan`, where they pin
 * search.constraints (comma lists), and `strata estimate`, where they set the strategy itself.
 */
import type { FlagSpec } from './flag-spec.js';

/** An axis pin: a value (or comma list) for one strategy field, under `prefix`. */
function axis(name: string, field: string, arg: string, help: string, prefix: string): FlagSpec {
  return { name, arg, help, fields: [`${prefix}${field}`] };
}

/** --dp … --schedule: pins in search.constraints for plan, the strategy itself for estimate. */
export function axisFlags(prefix: string, list: boolean): FlagSpec[] {
  const n = list ? '<n>[,<n>...]' : '<n>';
  const many = (arg: string): string => (list ? `${arg}[,...]` : arg);
  return [
    axis('dp', 'dataParallel', n, 'data-parallel degree', prefix),
    axis('tp', 'tensorParallel', n, 'tensor-parallel degree', prefix),
    axis('pp', 'pipelineParallel', n, 'pipeline-parallel degree', prefix),
    axis('cp', 'contextParallel', n, 'context-parallel degree (long sequences)', prefix),
    axis('ep', 'expertParallel', n, 'expert-parallel degree (MoE models)', prefix),
    axis('etp', 'expertTensorParallel', n, 'expert-tensor-parallel degree (MoE models)', prefix),
    axis('vpp', 'virtualStages', n, 'virtual stages (model chunks) per pipeline rank', prefix),
    axis('mbs', 'microBatchSize', n, 'micro-batch size', prefix),
    axis('zero', 'zeroStage', many('0|1|2|3'), 'ZeRO stage', prefix),
    axis(
      'dp-shard',
      'dataParallelShard',
      n,
      'FSDP shard-group size (HSDP: smaller than dp, replicated across)',
      prefix,
    ),
    axis('recompute', 'recompute', many('none|selective|full'), 'activation recompute', prefix),
    axis(
      'schedule',
      'schedule',
      many('<id>'),
      'pipeline schedule (strata schedule --help)',
      prefix,
    ),
    {
      name: 'sp',
      type: 'boolean',
      help: 'sequence parallelism on',
      fields: [`${prefix}sequenceParallel`],
    },
    {
      name: 'no-sp',
      type: 'boolean',
      help: 'sequence parallelism off',
      fields: [`${prefix}sequenceParallel`],
    },
  ];
}
