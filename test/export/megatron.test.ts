import { describe, expect, it } from 'vitest';
import { ExportError } from '../../src/export/errors.js';
import { formatPipelineLayout, parsePipelineLayout } from '../../src/export/megatron-layout.js';
import { megatronArgs } from '../../src/export/megatron.js';
import { parseMegatronArgs } from '../../src/export/parse-megatron.js';
import { layersPerChunk } from '../../src/export/plan-facts.js';
import { megatronFacts } from './megatron-facts.js';
import { GPT_SPEC, LLAMA_SPEC, makePlan, REPRESENTATIVE, rep } from './plans.js';
import type { PlanOverrides } from './plans.js';
import { thrownBy } from '../fixtures/thrown.js';

describe('round trip: parse(megatronArgs(plan)) gives back the plan', () => {
  it.each(REPRESENTATIVE)('$name', ({ plan, spec }) => {
    const parsed = parseMegatronArgs(megatronArgs(plan, spec).argv, plan.worldSize);
    expect(parsed).toMatchObject({ ...megatronFacts(plan), numLayers: spec.numLayers });
    expect(parsed.layersPerChunk).toEqual(layersPerChunk(plan));
  });

  it('reads the upstream alternatives: --recompute-activations, first/last pipeline counts', () => {
    const argv = [
      '--tensor-model-parallel-size',
      '2',
      '--pipeline-model-parallel-size',
      '4',
      '--num-layers',
      '30',
      '--micro-batch-size',
      '2',
      '--decoder-first-pipeline-num-layers',
      '6',
      '--decoder-last-pipeline-num-layers',
      '6',
      '--recompute-activations',
    ];
    const p = parseMegatronArgs(argv, 64);
    expect(p).toMatchObject({
      dp: 8,
      globalBatchSize: 16,
      layersPerChunk: [6, 9, 9, 6],
      recompute: 'selective',
    });
  });
});

describe('--pipeline-model-parallel-layout', () => {
  it.each([
    [[7, 8, 8, 7], 'Et*7|t*8|t*8|t*7L'],
    [[1, 0, 2], 'Et||t*2L'],
    [[5], 'Et*5L'],
  ])('%j ⇄ %s', (split, layout) => {
    expect(formatPipelineLayout(split)).toBe(layout);
    expect(parsePipelineLayout(layout)).toEqual(split);
  });
  it('unrolls groups and ignores commas like Megatron', () => {
    expect(parsePipelineLayout('Ettt|(tt|)*3,t|L')).toEqual([3, 2, 2, 2, 1, 0]);
    expect(parsePipelineLayout('Ex|L')).toBeNull();
  });
  it('is used only for uneven splits; even interleaving uses --num-virtual-stages-per-pipeline-rank', () => {
    const even = megatronArgs(rep(1).plan, LLAMA_SPEC).argv;
    expect(even).toContain('--num-virtual-stages-per-pipeline-rank');
    expect(even).not.toContain('--pipeline-model-parallel-layout');
    const uneven = megatronArgs(rep(2).plan, GPT_SPEC).argv;
    expect(uneven[uneven.indexOf('--pipeline-model-parallel-layout') + 1]).toBe(
      'Et*6|t*8|t*9|t*7L',
    );
  });
});

describe('emitted flags', () => {
  it('model shape, precision and overlap for a Llama-like bf16 plan', () => {
    const { argv } = megatronArgs(makePlan(), LLAMA_SPEC);
    for (const f of [
      '--group-query-attention',
      '--swiglu',
      '--untie-embeddings-and-output-weights',
      '--disable-bias-linear',
      '--bf16',
      '--use-distributed-optimizer',
      '--overlap-grad-reduce',
      '--overlap-param-gather',
      '--sequence-parallel',
    ]) {
      expect(argv).toContain(f);
    }
    expect(argv[argv.indexOf('--num-query-groups') + 1]).toBe('8');
    expect(argv[argv.indexOf('--normalization') + 1]).toBe('RMSNorm');
    expect(argv[argv.indexOf('--position-embedding-type') + 1]).toBe('rope');
  });
  it('fp8 is bf16 plus --fp8-format hybrid; full recompute of all layers is uniform/1', () => {
    const { argv } = megatronArgs(rep(3).plan, LLAMA_SPEC);
    expect(argv.join(' ')).toContain('--bf16 --fp8-format hybrid');
    expect(argv.join(' ')).toContain(
      '--recompute-granularity full --recompute-method uniform --recompute-num-layers 1',
    );
  });
  it('text is a torchrun command with one flag per line', () => {
    const { text, argv } = megatronArgs(rep(2).plan, GPT_SPEC);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^torchrun .* pretrain_gpt\.py \\$/);
    expect(lines.slice(1).every((l) => /^ {4}--[a-z0-9-]+( \S+)*( \\)?$/.test(l))).toBe(true);
    expect(lines.length - 1).toBe(argv.filter((w) => w.startsWith('--')).length);
    expect(text).toContain("'Et*6|t*8|t*9|t*7L'");
  });
});

describe('Megatron validity rules throw ExportError naming the field', () => {
  /** Megatron arguments of the Llama plan with `over` applied, as a call for thrownBy. */
  const llamaArgs = (over: PlanOverrides) => () => megatronArgs(makePlan(over), LLAMA_SPEC);
  const cases: [string, () => unknown, string][] = [
    ['ZeRO-3', llamaArgs({ strategy: { zeroStage: 3 } }), 'strategy.zeroStage'],
    ['ZeRO-2', llamaArgs({ strategy: { zeroStage: 2 } }), 'strategy.zeroStage'],
    [
      'ALiBi',
      () => megatronArgs(makePlan(), { ...LLAMA_SPEC, positionEmbedding: 'alibi' }),
      'spec.positionEmbedding',
    ],
    ['world size', () => megatronArgs({ ...makePlan(), worldSize: 12 }, LLAMA_SPEC), 'strategy.dp'],
    ['batch', llamaArgs({ training: { globalBatchSize: 15 } }), 'training.globalBatchSize'],
    ['heads vs tp', llamaArgs({ strategy: { tp: 3 } }), 'strategy.tp'],
    [
      'cp seq',
      llamaArgs({ strategy: { cp: 3 }, training: { sequenceLength: 4000 } }),
      'strategy.cp',
    ],
    [
      'interleave M % pp',
      llamaArgs({
        strategy: { pp: 4, virtualStages: 2, schedule: 'interleaved-1f1b', numMicroBatches: 6 },
      }),
      'strategy.numMicroBatches',
    ],
    [
      'interleave pp=1',
      llamaArgs({ strategy: { pp: 1, virtualStages: 2, schedule: 'interleaved-1f1b' } }),
      'strategy.pp',
    ],
  ];
  it.each(cases)('%s', (_name, run, field) => {
    const error = thrownBy(ExportError, run);
    expect(error.field).toBe(field);
    expect(error.format).toBe('megatron');
  });
  it('ZeRO-3 message points to the frameworks that have it', () => {
    expect(() => megatronArgs(makePlan({ strategy: { zeroStage: 3 } }), LLAMA_SPEC)).toThrow(
      /no ZeRO-3.*torchtitan or deepspeed/,
    );
  });
  it('sequence parallel with tp = 1 is dropped, as Megatron does', () => {
    const out = megatronArgs(makePlan({ strategy: { tp: 1, dp: 4 } }), LLAMA_SPEC);
    expect(out.argv).not.toContain('--sequence-parallel');
    expect(out.notes.join(' ')).toMatch(/tp = 1/);
  });
});

describe('--recompute-modules', () => {
  const selective = (recomputeModules?: readonly string[]): readonly string[] =>
    megatronArgs(
      makePlan({
        strategy: {
          recompute: 'selective',
          ...(recomputeModules === undefined ? {} : { recomputeModules }),
        },
      } as Parameters<typeof makePlan>[0]),
      LLAMA_SPEC,
    ).argv;

  it("is omitted for Megatron's default ['core_attn'] and when absent", () => {
    expect(selective()).not.toContain('--recompute-modules');
    expect(selective(['core_attn'])).not.toContain('--recompute-modules');
  });

  it('lists the modules after selective granularity, in order', () => {
    const argv = selective(['layernorm', 'moe_act']);
    const at = argv.indexOf('--recompute-modules');
    expect(argv.slice(at, at + 3)).toEqual(['--recompute-modules', 'layernorm', 'moe_act']);
    expect(argv[argv.indexOf('--recompute-granularity') + 1]).toBe('selective');
  });
});
