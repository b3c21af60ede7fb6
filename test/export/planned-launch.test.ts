/**
 * Property (issue #16, "plans that launch as emitted"): every plan the real planner returns for a
 * framework — best and alternatives, over several models and clusters — exports to a launch config
 * that passes that framework's launch check (upstream start-up rules, src/export/*-launch-check.ts)
 * and that, read back the way the framework reads it, is the plan: degrees, batch, layer split,
 * recompute. The checks read the exported text (the command the shell runs, the JSON DeepSpeed
 * loads), not the export's typed fields.
 */
import { readFileSync } from 'node:fs';
import { SMALL_MOE_SPEC } from '../fixtures/specs.js';
import { describe, expect, it } from 'vitest';
import type { Framework } from '../../src/costmodel/index.js';
import { deepspeedConfig } from '../../src/export/deepspeed.js';
import {
  deepspeedDataParallelSize,
  deepspeedLaunchCheck,
} from '../../src/export/deepspeed-launch-check.js';
import { megatronArgs } from '../../src/export/megatron.js';
import { megatronLaunchCheck } from '../../src/export/megatron-launch-check.js';
import {
  parseLaunchCommand,
  parseMegatronArgs,
  shellWords,
} from '../../src/export/parse-megatron.js';
import { layersPerChunk } from '../../src/export/plan-facts.js';
import { torchtitanConfig } from '../../src/export/torchtitan.js';
import { torchtitanLaunchCheck } from '../../src/export/torchtitan-launch-check.js';
import { buildModelGraph } from '../../src/graph/index.js';
import type { TransformerSpec } from '../../src/model-spec/index.js';
import { specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { clusterFromPreset, findModel } from '../../src/hardware-profiles/index.js';
import { inexpressibleReason } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';
import { planTraining } from '../../src/search/index.js';
import type { SearchConstraints } from '../../src/search/index.js';
import { catalog, fastestProblem, fixedTraining } from '../fixtures/planning.js';
import { megatronFacts } from './megatron-facts.js';

/** Compute capability major of the devices below (A100 8, V100 7, A10 8, H100 9): all pre-Blackwell. */
const PRE_BLACKWELL = 9;

const deepspeedKeys = (
  JSON.parse(
    readFileSync(
      new URL('../fixtures/upstream/deepspeed-config-keys.json', import.meta.url),
      'utf8',
    ),
  ) as { keys: Record<string, unknown> }
).keys;

interface Case {
  readonly name: string;
  readonly spec: TransformerSpec;
  readonly preset: string;
  readonly nodes: number;
  readonly globalBatchSize: number;
  readonly sequenceLength: number;
  /** Pinned axes, to make sure pipelined and tensor-parallel plans come up for every framework. */
  readonly constraints?: SearchConstraints;
}

const CASES: readonly Case[] = [
  {
    name: 'llama3-8b on 2 × DGX A100 40GB',
    spec: findModel(catalog, 'llama3-8b').spec,
    preset: 'dgx-a100-40gb',
    nodes: 2,
    globalBatchSize: 64,
    sequenceLength: 4096,
  },
  {
    name: 'gpt-1.7b on 2 × 8 A10',
    spec: findModel(catalog, 'gpt-1.7b').spec,
    preset: 'pcie-8x-a10',
    nodes: 2,
    globalBatchSize: 32,
    sequenceLength: 2048,
  },
  {
    name: '30-layer 4k-wide on 2 × DGX V100',
    spec: specFromExplicitTransformer({
      layers: 30,
      hiddenSize: 4096,
      heads: 32,
      vocabSize: 50304,
    }),
    preset: 'dgx-v100',
    nodes: 2,
    globalBatchSize: 16,
    sequenceLength: 2048,
  },
  {
    name: 'llama2-13b on 4 × DGX H100',
    spec: findModel(catalog, 'llama2-13b').spec,
    preset: 'dgx-h100',
    nodes: 4,
    globalBatchSize: 128,
    sequenceLength: 4096,
  },
  {
    name: 'llama3-8b on 2 × DGX H100, pp pinned to 4',
    spec: findModel(catalog, 'llama3-8b').spec,
    preset: 'dgx-h100',
    nodes: 2,
    globalBatchSize: 64,
    sequenceLength: 8192,
    constraints: { pp: [4] },
  },
  {
    name: '30-layer 4k-wide on 2 × DGX A100 80GB, tp pinned to 4, pp to 2',
    spec: specFromExplicitTransformer({
      layers: 30,
      hiddenSize: 4096,
      heads: 32,
      vocabSize: 50304,
    }),
    preset: 'dgx-a100-80gb',
    nodes: 2,
    globalBatchSize: 32,
    sequenceLength: 4096,
    constraints: { tp: [4], pp: [2] },
  },
  {
    // Long enough for the search to offer CP, with experts for EP (megatron and fsdp).
    name: '4-layer 8-expert MoE at 16K tokens on 2 × DGX H100',
    spec: SMALL_MOE_SPEC,
    preset: 'dgx-h100',
    nodes: 2,
    globalBatchSize: 16,
    sequenceLength: 16384,
  },
  {
    name: 'llama3-8b on 2 × DGX A100 40GB, recompute pinned to full',
    spec: findModel(catalog, 'llama3-8b').spec,
    preset: 'dgx-a100-40gb',
    nodes: 2,
    globalBatchSize: 32,
    sequenceLength: 8192,
    constraints: { recompute: ['full'] },
  },
];

function plansFor(c: Case, framework: Framework): Plan[] {
  const training = fixedTraining(c.globalBatchSize, c.sequenceLength, framework);
  const result = planTraining(
    fastestProblem(
      buildModelGraph(c.spec, c.sequenceLength),
      clusterFromPreset(catalog, c.preset, c.nodes),
      training,
      { constraints: c.constraints ?? {}, topK: 6, maxCandidates: 20_000 },
    ),
  );
  return [result.best, ...result.alternatives];
}

function checkMegatron(plan: Plan, spec: TransformerSpec): void {
  const { env, argv } = parseLaunchCommand(megatronArgs(plan, spec).text);
  expect(
    megatronLaunchCheck({ argv, env, worldSize: plan.worldSize, deviceArchMajor: PRE_BLACKWELL }),
  ).toEqual([]);
  expect(parseMegatronArgs(argv, plan.worldSize)).toMatchObject(megatronFacts(plan));
}

function dottedKeys(obj: Readonly<Record<string, unknown>>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? [prefix + k, ...dottedKeys(v as Record<string, unknown>, `${prefix}${k}.`)]
      : [prefix + k],
  );
}

function checkDeepSpeed(plan: Plan, spec: TransformerSpec): void {
  const out = deepspeedConfig(plan, spec);
  const config = JSON.parse(out.text) as Record<string, unknown>;
  const input = { config, launch: out.launch, worldSize: plan.worldSize };
  expect(deepspeedLaunchCheck(input)).toEqual([]);
  expect(dottedKeys(config).filter((k) => !(k in deepspeedKeys))).toEqual([]);
  const s = plan.strategy;
  expect(deepspeedDataParallelSize(input)).toBe(s.dp);
  expect(config['train_micro_batch_size_per_gpu']).toBe(s.microBatchSize);
  expect(config['gradient_accumulation_steps']).toBe(s.numMicroBatches);
  expect(config['train_batch_size']).toBe(plan.training.globalBatchSize);
  expect(s.recompute === 'full' ? s.recomputeLayers : null).toBeNull();
  expect(s.recompute).not.toBe('selective');
  if (s.pp > 1) {
    expect(out.pipeline.partitionMethod).toBe('uniform');
    expect(out.pipeline.layersPerStage).toEqual(layersPerChunk(plan));
    expect(out.launch.activationCheckpointInterval).toBe(s.recompute === 'full' ? 1 : 0);
  }
}

/** The overrides as the shell passes them to torchtitan.train, --module/--config stripped. */
function torchtitanWords(text: string): string[] {
  const words = shellWords(text);
  const rest = words.slice(words.indexOf('torchtitan.train') + 1);
  return rest.filter(
    (w, i) =>
      !['--module', '--config'].includes(w) &&
      !['--module', '--config'].includes(rest[i - 1] ?? ''),
  );
}

function checkTorchtitan(plan: Plan, spec: TransformerSpec): void {
  const out = torchtitanConfig(plan, spec);
  const overrides = torchtitanWords(out.text);
  expect(overrides).toEqual(out.overrides);
  const { violations, resolved } = torchtitanLaunchCheck({
    overrides,
    worldSize: plan.worldSize,
    numLayers: spec.numLayers,
  });
  expect(violations).toEqual([]);
  const s = plan.strategy;
  const seq = plan.training.sequenceLength;
  // DDP replicates over all of dp; FSDP shards over dpShard (all of dp unless HSDP) and
  // replicates across the rest.
  const shard = s.zeroStage === 0 ? 1 : (s.dpShard ?? s.dp);
  expect(resolved).toMatchObject({
    dpReplicate: s.dp / shard,
    dpShard: shard,
    tp: s.tp,
    pp: s.pp,
    cp: s.cp,
    ep: s.ep ?? 1,
    tokensPerMicroBatch: s.microBatchSize * seq,
    tokensPerStep: plan.training.globalBatchSize * seq,
    numPpMicroBatches: s.pp > 1 ? s.numMicroBatches : 1,
    gradientAccumulationSteps: s.pp > 1 ? 1 : s.numMicroBatches,
    layersPerStage: s.pp > 1 ? layersPerChunk(plan) : null,
    activationCheckpoint: s.recompute,
  });
  if (s.tp > 1) expect(resolved.sequenceParallel).toBe(s.sequenceParallel);
  expect(s.recompute === 'full' ? s.recomputeLayers : null).toBeNull();
}

const CHECKS: Record<Framework, (plan: Plan, spec: TransformerSpec) => void> = {
  megatron: checkMegatron,
  deepspeed: checkDeepSpeed,
  fsdp: checkTorchtitan,
};

describe.each(['megatron', 'deepspeed', 'fsdp'] as const)(
  'every %s plan the planner returns passes its launch check',
  (framework) => {
    const seen = { pipeline: 0, tensor: 0, recompute: 0, plans: 0 };
    it.each(CASES)('$name', (c) => {
      for (const plan of plansFor(c, framework)) {
        expect(inexpressibleReason(framework, plan.strategy, c.spec.numLayers)).toBeNull();
        CHECKS[framework](plan, c.spec);
        seen.plans++;
        if (plan.strategy.pp > 1) seen.pipeline++;
        if (plan.strategy.tp > 1) seen.tensor++;
        if (plan.strategy.recompute !== 'none') seen.recompute++;
      }
    });
    it('covered pipelined, tensor-parallel and recomputing plans', () => {
      expect(seen.plans).toBeGreaterThan(10);
      expect(seen.pipeline).toBeGreaterThan(0);
      expect(seen.tensor).toBeGreaterThan(0);
      expect(seen.recompute).toBeGreaterThan(0);
    });
  },
);
