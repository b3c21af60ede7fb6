import { describe, expect, it } from 'vitest';
import { deepspeedConfig } from '../../src/export/deepspeed.js';
import { ExportError } from '../../src/export/errors.js';
import { torchtitanConfig } from '../../src/export/torchtitan.js';
import type { PlanSchedule } from '../../src/plan/types.js';
import { GPT_SPEC, LLAMA_SPEC, makePlan, REPRESENTATIVE, rep } from './plans.js';

describe('DeepSpeed', () => {
  const exportable = REPRESENTATIVE.filter(({ plan }) => plan.training.precision !== 'fp8');
  it.each(exportable)(
    'batch identity train_batch_size = micro × accumulation × DP: $name',
    ({ plan, spec }) => {
      const { config } = deepspeedConfig(plan, spec);
      const micro = config.train_micro_batch_size_per_gpu as number;
      const accumulation = config.gradient_accumulation_steps as number;
      expect(config.train_batch_size).toBe(micro * accumulation * plan.strategy.dp);
      expect(config.train_batch_size).toBe(plan.training.globalBatchSize);
    },
  );
  it('pipeline stages and split: uniform when even, explicit counts otherwise', () => {
    const even = deepspeedConfig(makePlan(), LLAMA_SPEC);
    expect(even.pipelineStages).toBe(2);
    expect(even.pipeline).toEqual({
      numStages: 2,
      partitionMethod: 'uniform',
      layersPerStage: [40, 40],
    });
    const uneven = deepspeedConfig(rep(2).plan, GPT_SPEC);
    expect(uneven.pipeline).toEqual({
      numStages: 4,
      partitionMethod: 'explicit',
      layersPerStage: [6, 8, 9, 7],
    });
    expect(uneven.notes.join(' ')).toMatch(/_partition_layers/);
  });
  it('notes what DeepSpeed cannot express: interleaving, sequence parallel, context parallel', () => {
    const notes = deepspeedConfig(rep(1).plan, LLAMA_SPEC).notes.join('\n');
    expect(notes).toMatch(/interleaved-1f1b with 2 virtual stages/);
    expect(notes).toMatch(/Megatron-DeepSpeed/);
    expect(notes).toMatch(/Ulysses/);
  });
  it('ZeRO-3 without pipelining; text is the pretty JSON of config', () => {
    const out = deepspeedConfig(makePlan({ strategy: { pp: 1, dp: 8, zeroStage: 3 } }), LLAMA_SPEC);
    expect(out.config.zero_optimization).toMatchObject({
      stage: 3,
      overlap_comm: true,
      contiguous_gradients: true,
    });
    expect(JSON.parse(out.text)).toEqual(out.config);
  });
  it('rejects ZeRO-2/3 with pipelining and fp8', () => {
    expect(() => deepspeedConfig(makePlan({ strategy: { zeroStage: 2 } }), LLAMA_SPEC)).toThrow(
      ExportError,
    );
    expect(() => deepspeedConfig(makePlan({ training: { precision: 'fp8' } }), LLAMA_SPEC)).toThrow(
      /FP8/,
    );
  });
});

describe('torchtitan', () => {
  const option = (out: ReturnType<typeof torchtitanConfig>, name: string): unknown =>
    out.settings.find((x) => x.option === name)?.value;

  it('degrees: ZeRO-0 replicates (DDP), ZeRO-3 shards (FSDP2)', () => {
    const ddp = torchtitanConfig(makePlan({ strategy: { zeroStage: 0 } }), LLAMA_SPEC);
    expect(option(ddp, 'parallelism.data_parallel_replicate_degree')).toBe(2);
    expect(option(ddp, 'parallelism.data_parallel_shard_degree')).toBe(1);
    const fsdp = torchtitanConfig(makePlan({ strategy: { zeroStage: 3 } }), LLAMA_SPEC);
    expect(option(fsdp, 'parallelism.data_parallel_shard_degree')).toBe(2);
  });
  it('batch in tokens: micro-batch tokens per DP rank and tokens per step', () => {
    const plan = makePlan({ strategy: { microBatchSize: 2, numMicroBatches: 4 } });
    const out = torchtitanConfig(plan, LLAMA_SPEC);
    expect(option(out, 'training.num_tokens_per_microbatch_per_dp_rank')).toBe(2 * 4096);
    expect(option(out, 'training.num_tokens_per_train_step')).toBe(
      plan.training.globalBatchSize * 4096,
    );
    expect(option(out, 'parallelism.num_pp_microbatches')).toBe(4);
  });
  it('schedules: Interleaved1F1B, ZBVZeroBubble, and CSV for zb-h2 with the plan schedule rows', () => {
    expect(
      option(torchtitanConfig(rep(1).plan, LLAMA_SPEC), 'parallelism.pipeline_parallel_schedule'),
    ).toBe('Interleaved1F1B');
    const zbv = torchtitanConfig(
      makePlan({ strategy: { pp: 4, dp: 1, virtualStages: 2, schedule: 'zb-v' } }),
      LLAMA_SPEC,
    );
    expect(option(zbv, 'parallelism.pipeline_parallel_schedule')).toBe('ZBVZeroBubble');
    expect(option(zbv, 'parallelism.pipeline_parallel_layers_per_stage')).toBe(10);
    const schedule = {
      ranks: [
        ['0F0', '0B0'],
        ['1F0', '1B0'],
      ],
    } as unknown as PlanSchedule;
    const plan = { ...rep(4).plan, schedule };
    const out = torchtitanConfig(plan, LLAMA_SPEC);
    expect(option(out, 'parallelism.pipeline_parallel_schedule')).toBe('PipelineScheduleSingle');
    expect(option(out, 'parallelism.pipeline_parallel_schedule_csv')).toBe('pipeline_schedule.csv');
    expect(out.scheduleCsv).toBe('0F0,0B0\n1F0,1B0\n');
    expect(out.notes.join(' ')).toMatch(/_PipelineScheduleRuntime/);
  });
  it('uneven split goes to module_fqns_per_model_part in the Python config only', () => {
    const out = torchtitanConfig(rep(5).plan, LLAMA_SPEC);
    const fqns = option(out, 'parallelism.module_fqns_per_model_part') as string[][];
    expect(fqns.map((stage) => stage.filter((n) => n.startsWith('layers.')).length)).toEqual([
      9, 10, 10, 10, 10, 10, 10, 11,
    ]);
    expect(fqns[0]?.[0]).toBe('tok_embeddings');
    expect(fqns[7]?.slice(-2)).toEqual(['norm', 'lm_head']);
    expect(out.overrides.join(' ')).not.toContain('module_fqns_per_model_part');
    expect(out.python).toContain('config.parallelism.module_fqns_per_model_part = [');
  });
  it('activation checkpoint subcommand and launch text', () => {
    const out = torchtitanConfig(rep(3).plan, LLAMA_SPEC);
    expect(out.overrides.at(-1)).toBe('activation-checkpoint:full');
    expect(out.text).toMatch(/-m torchtitan\.train \\\n/);
    expect(out.text.trimEnd().endsWith('activation-checkpoint:full')).toBe(true);
    expect(out.notes.join(' ')).toMatch(/Float8LinearConverter/);
  });
  it('fp16 is rejected', () => {
    expect(() => torchtitanConfig(rep(2).plan, GPT_SPEC)).toThrow(ExportError);
  });
});
