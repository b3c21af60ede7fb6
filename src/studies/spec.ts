/**
 * The study spec (issue #6): axes whose cartesian product is the list of scenarios, a training
 * goal (tokens, optionally a deadline), prices, constraints, training defaults and search
 * options. `parseStudySpec` validates; `expandStudy` turns a spec into scenarios, refusing (never
 * truncating) a spec over the scenario cap.
 */
import { z } from 'zod';
import { StudyInputError } from './errors.js';
import { StudyClusterInput, StudyModelInput } from './model-input.js';

/** Most scenarios one study may expand to; larger specs are refused with the count. */
export const SCENARIO_CAP = 2000;
/** Default candidate cap per scenario: bounds each scenario's search (the plan API allows 200k). */
export const DEFAULT_MAX_CANDIDATES = 20_000;

const positiveInt = (max: number) => z.int().min(1).max(max);
/** Axis lists: non-empty, bounded so that parsing itself stays cheap. */
const axis = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(SCENARIO_CAP);

export const StudyAxes = z.strictObject({
  models: axis(StudyModelInput),
  clusters: axis(StudyClusterInput),
  /** Replaces each cluster's node count; the product grows by this list's length. */
  nodes: axis(positiveInt(65_536)).exactOptional(),
  globalBatchSizes: axis(positiveInt(16_777_216)).exactOptional(),
  sequenceLengths: axis(positiveInt(1_048_576)).exactOptional(),
});

export const StudyGoal = z.strictObject({
  /** Training tokens to process. */
  tokens: z.number().positive().max(1e18),
  /** Wall-clock deadline; scenarios are marked meetsDeadline. */
  deadlineDays: z.number().positive().max(1e6).exactOptional(),
});

export const StudyTraining = z.strictObject({
  globalBatchSize: positiveInt(16_777_216).exactOptional(),
  sequenceLength: positiveInt(1_048_576).exactOptional(),
  precision: z.enum(['bf16', 'fp16', 'fp8']).exactOptional(),
  flashAttention: z.boolean().exactOptional(),
  dropout: z.boolean().exactOptional(),
  overlapGradientReduce: z.boolean().exactOptional(),
  framework: z.enum(['megatron', 'deepspeed', 'fsdp']).exactOptional(),
});

export const StudyEnergy = z.strictObject({
  /** Data-centre power usage effectiveness (facility power / IT power), ≥ 1. */
  pue: z.number().min(1).max(5).exactOptional(),
  /** GPU power when idle, as a fraction of TDP. */
  idlePowerFraction: z.number().min(0).max(1).exactOptional(),
});

export const StudySpec = z.strictObject({
  axes: StudyAxes,
  goal: StudyGoal,
  /** USD per GPU-hour by accelerator id; overrides the device profile's list price. */
  prices: z.record(z.string().min(1).max(200), z.number().min(0)).exactOptional(),
  constraints: z
    .strictObject({
      maxGpus: positiveInt(65_536).exactOptional(),
      maxCostUsd: z.number().positive().exactOptional(),
    })
    .exactOptional(),
  training: StudyTraining.exactOptional(),
  search: z
    .strictObject({
      topK: z.int().min(0).max(50).exactOptional(),
      maxCandidates: positiveInt(200_000).exactOptional(),
    })
    .exactOptional(),
  energy: StudyEnergy.exactOptional(),
});

export type StudySpec = z.output<typeof StudySpec>;

export interface TrainingDefaults {
  readonly globalBatchSize: number;
  readonly sequenceLength: number;
  readonly precision: 'bf16' | 'fp16' | 'fp8';
  readonly flashAttention: boolean;
  readonly dropout: boolean;
  readonly overlapGradientReduce: boolean;
  readonly framework: 'megatron' | 'deepspeed' | 'fsdp';
}

/** One point of the cartesian product: everything one worker needs, as plain JSON. */
export interface Scenario {
  /** Position in the expansion order (models, clusters, nodes, batch sizes, sequence lengths). */
  readonly index: number;
  readonly model: StudyModelInput;
  readonly cluster: StudyClusterInput;
  readonly training: TrainingDefaults;
  readonly topK: number;
  readonly maxCandidates: number;
  readonly goalTokens: number;
  readonly deadlineDays: number | null;
  readonly prices: Readonly<Record<string, number>>;
  readonly maxGpus: number | null;
  readonly maxCostUsd: number | null;
  readonly pue: number;
  readonly idlePowerFraction: number;
}

/** Default PUE and idle fraction: see energy.ts for the sources. */
export const DEFAULT_PUE = 1.1;
export const DEFAULT_IDLE_POWER_FRACTION = 0.3;

/** Validates unknown JSON as a spec (throws ZodError). */
export function parseStudySpec(input: unknown): StudySpec {
  return StudySpec.parse(input);
}

/** Product of the axis lengths, computed before anything is expanded. */
export function scenarioCount(spec: StudySpec): number {
  const { models, clusters, nodes, globalBatchSizes, sequenceLengths } = spec.axes;
  return (
    models.length *
    clusters.length *
    (nodes?.length ?? 1) *
    (globalBatchSizes?.length ?? 1) *
    (sequenceLengths?.length ?? 1)
  );
}

export function assertUnderCap(spec: StudySpec, cap: number = SCENARIO_CAP): number {
  const count = scenarioCount(spec);
  if (count > cap) {
    throw new StudyInputError(
      'too-many-scenarios',
      `the spec expands to ${count} scenarios, over the cap of ${cap}; narrow the axes (nothing was truncated)`,
      'axes',
      { scenarioCount: count, cap },
    );
  }
  return count;
}

function trainingDefaults(
  spec: StudySpec,
): Omit<TrainingDefaults, 'globalBatchSize' | 'sequenceLength'> {
  const t = spec.training ?? {};
  return {
    precision: t.precision ?? 'bf16',
    flashAttention: t.flashAttention ?? true,
    dropout: t.dropout ?? false,
    overlapGradientReduce: t.overlapGradientReduce ?? true,
    framework: t.framework ?? 'megatron',
  };
}

/** The cartesian product, in a fixed order, after the cap check. */
export function expandStudy(spec: StudySpec, cap: number = SCENARIO_CAP): Scenario[] {
  assertUnderCap(spec, cap);
  const { axes } = spec;
  const batches = axes.globalBatchSizes ?? [spec.training?.globalBatchSize ?? 1024];
  const sequences = axes.sequenceLengths ?? [spec.training?.sequenceLength ?? 2048];
  const base = trainingDefaults(spec);
  const common = {
    topK: spec.search?.topK ?? 0,
    maxCandidates: spec.search?.maxCandidates ?? DEFAULT_MAX_CANDIDATES,
    goalTokens: spec.goal.tokens,
    deadlineDays: spec.goal.deadlineDays ?? null,
    prices: spec.prices ?? {},
    maxGpus: spec.constraints?.maxGpus ?? null,
    maxCostUsd: spec.constraints?.maxCostUsd ?? null,
    pue: spec.energy?.pue ?? DEFAULT_PUE,
    idlePowerFraction: spec.energy?.idlePowerFraction ?? DEFAULT_IDLE_POWER_FRACTION,
  };
  const scenarios: Scenario[] = [];
  for (const model of axes.models) {
    for (const baseCluster of axes.clusters) {
      for (const nodes of axes.nodes ?? [baseCluster.nodes]) {
        const cluster = { ...baseCluster, nodes };
        for (const globalBatchSize of batches) {
          for (const sequenceLength of sequences) {
            const training = { ...base, globalBatchSize, sequenceLength };
            scenarios.push({ index: scenarios.length, model, cluster, training, ...common });
          }
        }
      }
    }
  }
  return scenarios;
}
