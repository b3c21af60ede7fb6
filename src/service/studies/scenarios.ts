/**
 * A study spec's scenarios (issue #6): the cartesian product of its axes, in a fixed order, after
 * the cap check (refused, never truncated). A scenario is plain JSON — the API's own model and
 * cluster inputs plus training defaults — so it can travel to a child process or a BullMQ worker,
 * which maps it with the plan API's mappers (run-scenario.ts).
 */
import type { ClusterInput, ModelInput, StudySpec } from '../../contract/index.js';
import { LIMITS, StudySpec as StudySpecSchema } from '../../contract/index.js';
import type { TrainingConfig } from '../../costmodel/index.js';
import { trainingFromInput } from '../map-request.js';
import { StudyInputError, DEFAULT_IDLE_POWER_FRACTION, DEFAULT_PUE } from '../../studies/index.js';
import type { ScenarioTerms } from '../../studies/index.js';

/** Most scenarios one study may expand to; larger specs are refused with the count. */
export const SCENARIO_CAP = LIMITS.studyScenarios;
/** Default candidate cap per scenario: bounds each scenario's search (the plan API allows 200k). */
export const DEFAULT_MAX_CANDIDATES = 20_000;
const DEFAULT_GLOBAL_BATCH_SIZE = 1024;
const DEFAULT_SEQUENCE_LENGTH = 2048;

/** One point of the cartesian product: everything one worker needs, as plain JSON. */
export interface Scenario extends ScenarioTerms {
  /** Position in the expansion order (models, clusters, nodes, batch sizes, sequence lengths). */
  readonly index: number;
  readonly model: ModelInput;
  readonly cluster: ClusterInput;
}

/** Validates unknown JSON as a spec (throws ZodError). */
export function parseStudySpec(input: unknown): StudySpec {
  return StudySpecSchema.parse(input);
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

/** The spec's training options with the framework's defaults (the plan API's own rule). */
function studyTraining(
  spec: StudySpec,
): Omit<TrainingConfig, 'globalBatchSize' | 'sequenceLength'> {
  // Batch and sequence come from the axes; the rest gets the plan API's defaults and checks.
  const mapped = trainingFromInput({ ...spec.training, globalBatchSize: 1, sequenceLength: 1 });
  return {
    precision: mapped.precision,
    flashAttention: mapped.flashAttention,
    dropout: mapped.dropout,
    overlapGradientReduce: mapped.overlapGradientReduce,
    overlapParameterGather: mapped.overlapParameterGather,
    overlapTensorParallelComm: mapped.overlapTensorParallelComm,
    overlapPipelineP2p: mapped.overlapPipelineP2p,
    prefetchParameters: mapped.prefetchParameters,
    memoryHeadroomFraction: mapped.memoryHeadroomFraction,
    framework: mapped.framework,
    ...(mapped.gradientReduceInFp32 === undefined
      ? {}
      : { gradientReduceInFp32: mapped.gradientReduceInFp32 }),
    ...(mapped.fsdpParameterDtype === undefined
      ? {}
      : { fsdpParameterDtype: mapped.fsdpParameterDtype }),
    ...(mapped.moe === undefined ? {} : { moe: mapped.moe }),
  };
}

/** The cartesian product, in a fixed order, after the cap check. */
export function expandStudy(spec: StudySpec, cap: number = SCENARIO_CAP): Scenario[] {
  assertUnderCap(spec, cap);
  const { axes } = spec;
  const batches = axes.globalBatchSizes ?? [
    spec.training?.globalBatchSize ?? DEFAULT_GLOBAL_BATCH_SIZE,
  ];
  const sequences = axes.sequenceLengths ?? [
    spec.training?.sequenceLength ?? DEFAULT_SEQUENCE_LENGTH,
  ];
  const base = studyTraining(spec);
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
