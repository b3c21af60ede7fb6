/**
 * Every flag / key / option name Strata emits exists upstream, checked against fixture lists
 * extracted from the upstream repositories at a recorded commit (test/fixtures/upstream/).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deepspeedConfig } from '../../src/export/deepspeed.js';
import { megatronArgs } from '../../src/export/megatron.js';
import { torchtitanConfig } from '../../src/export/torchtitan.js';
import { torchtitanSchedule } from '../../src/export/torchtitan-schedule.js';
import type { ScheduleKind } from '../../src/costmodel/strategy.js';
import { makePlan, REPRESENTATIVE, rep } from './plans.js';

interface Fixture {
  readonly repository: string;
  readonly commit: string;
}
function load<T extends Fixture>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/upstream/${name}`, import.meta.url), 'utf8'),
  ) as T;
}
const megatron = load<Fixture & { flags: Record<string, { file: string }> }>('megatron-flags.json');
const deepspeed = load<Fixture & { keys: Record<string, { file: string }> }>(
  'deepspeed-config-keys.json',
);
const titan = load<Fixture & { options: Record<string, { file: string }> }>(
  'torchtitan-fields.json',
);
const pytorch = load<Fixture & { names: string[]; runtimeOnly: string[] }>(
  'pytorch-schedule-names.json',
);

/** Dotted paths of every leaf key of a JSON object (sections included). */
function dottedKeys(obj: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const path = prefix + k;
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? [path, ...dottedKeys(v as Record<string, unknown>, path + '.')]
      : [path];
  });
}

describe('fixtures record where they came from', () => {
  it.each([megatron, deepspeed, titan, pytorch])('$repository at a 40-hex commit', (f) => {
    expect(f.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('Megatron-LM flags exist in megatron/training/arguments.py (or its config dataclasses)', () => {
  it.each(REPRESENTATIVE)('$name', ({ plan, spec }) => {
    const flags = megatronArgs(plan, spec).argv.filter((w) => w.startsWith('--'));
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((f) => !(f in megatron.flags))).toEqual([]);
  });
});

describe('DeepSpeed ds_config keys exist upstream', () => {
  const exportable = REPRESENTATIVE.filter(({ plan }) => plan.training.precision !== 'fp8');
  it.each(exportable)('$name', ({ plan, spec }) => {
    const keys = dottedKeys(deepspeedConfig(plan, spec).config);
    expect(keys.filter((k) => !(k in deepspeed.keys))).toEqual([]);
  });
  it('covers the ZeRO-3 and fp16 keys', () => {
    const plan = makePlan({
      strategy: { pp: 1, tp: 2, dp: 4, zeroStage: 3, recompute: 'full', recomputeLayers: 2 },
      training: { precision: 'fp16' },
    });
    const keys = dottedKeys(deepspeedConfig(plan, { ...rep(0).spec }).config);
    expect(keys).toContain('zero_optimization.stage3_prefetch_bucket_size');
    expect(keys).toContain('fp16.initial_scale_power');
    expect(keys.filter((k) => !(k in deepspeed.keys))).toEqual([]);
  });
});

describe('torchtitan options exist in torchtitan/config/configs.py (Trainer.Config sections)', () => {
  const exportable = REPRESENTATIVE.filter(({ plan }) => plan.training.precision !== 'fp16');
  it.each(exportable)('$name', ({ plan, spec }) => {
    const out = torchtitanConfig(plan, spec);
    const names = [
      ...out.settings.map((x) => x.option),
      ...out.switches.map((x) => x.option),
      `activation-checkpoint:${out.activationCheckpoint}`,
    ];
    expect(names.filter((n) => !(n in titan.options))).toEqual([]);
    // tyro spells a false boolean `--section.no_option`.
    const cliFlags = out.overrides
      .filter((w) => w.startsWith('--'))
      .map((w) => w.slice(2).replace(/\.no_/, '.'));
    expect(cliFlags.filter((n) => !(n in titan.options))).toEqual([]);
  });
  it('switches: --training.disable_cuda_graphs and --parallelism.no_enable_sequence_parallel', () => {
    const out = torchtitanConfig(makePlan({ strategy: { sequenceParallel: false } }), rep(0).spec);
    expect(out.overrides).toContain('--training.disable_cuda_graphs');
    expect(out.overrides).toContain('--parallelism.no_enable_sequence_parallel');
    expect(out.switches.map((x) => x.option).filter((n) => !(n in titan.options))).toEqual([]);
  });
});

describe('PyTorch schedule names are keys of get_schedule_class', () => {
  const kinds: { schedule: ScheduleKind; virtualStages: number; sequenceSlices?: number }[] = [
    { schedule: 'gpipe', virtualStages: 1 },
    { schedule: '1f1b', virtualStages: 1 },
    { schedule: 'interleaved-1f1b', virtualStages: 2 },
    { schedule: 'zb-h1', virtualStages: 1 },
    { schedule: 'zb-h2', virtualStages: 1 },
    { schedule: 'zb-v', virtualStages: 2 },
    { schedule: 'seq-slice-1f1b', virtualStages: 1, sequenceSlices: 4 },
  ];
  it.each(kinds)('$schedule', (k) => {
    const plan = makePlan({ strategy: { ...k, pp: 4, numMicroBatches: 8 } });
    expect(pytorch.names).toContain(torchtitanSchedule(plan).name);
  });
});
