/**
 * POST /v1/studies body (issue #6), pinned to openapi.yaml's StudySpec like every request schema.
 * Its model and cluster axes are the plan API's own ModelInput and ClusterInput: one vocabulary,
 * so a study scenario is mapped (and capped) exactly as a plan request is.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { ClusterInput, ModelInput, MoeTrainingInput, trainingOptionFields } from './schemas.js';

const positiveInt = (max: number) => z.int().min(1).max(max);
/** Axis lists: non-empty, bounded so that parsing itself stays cheap. */
const axis = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(LIMITS.studyScenarios);

export const StudyAxes = z.strictObject({
  models: axis(ModelInput),
  clusters: axis(ClusterInput),
  /** Replaces each cluster's node count; the product grows by this list's length. */
  nodes: axis(positiveInt(LIMITS.nodes)).exactOptional(),
  globalBatchSizes: axis(positiveInt(LIMITS.globalBatchSize)).exactOptional(),
  sequenceLengths: axis(positiveInt(LIMITS.sequenceLength)).exactOptional(),
});

export const StudySpec = z.strictObject({
  axes: StudyAxes,
  goal: z.strictObject({
    /** Training tokens to process. */
    tokens: z.number().positive().max(1e18),
    /** Wall-clock deadline; scenarios are marked meetsDeadline. */
    deadlineDays: z.number().positive().max(1e6).exactOptional(),
  }),
  /** USD per GPU-hour by accelerator id; overrides the device profile's list price. */
  prices: z.record(z.string().min(1).max(200), z.number().min(0)).exactOptional(),
  constraints: z
    .strictObject({
      maxGpus: positiveInt(LIMITS.worldSize).exactOptional(),
      maxCostUsd: z.number().positive().exactOptional(),
    })
    .exactOptional(),
  training: z
    .strictObject({
      globalBatchSize: positiveInt(LIMITS.globalBatchSize).exactOptional(),
      sequenceLength: positiveInt(LIMITS.sequenceLength).exactOptional(),
      ...trainingOptionFields,
      moe: MoeTrainingInput.exactOptional(),
    })
    .exactOptional(),
  search: z
    .strictObject({
      topK: z.int().min(0).max(LIMITS.topK).exactOptional(),
      maxCandidates: positiveInt(LIMITS.maxCandidates).exactOptional(),
    })
    .exactOptional(),
  energy: z
    .strictObject({
      /** Data-centre power usage effectiveness (facility power / IT power), ≥ 1. */
      pue: z.number().min(1).max(5).exactOptional(),
      /** GPU power when idle, as a fraction of TDP. */
      idlePowerFraction: z.number().min(0).max(1).exactOptional(),
    })
    .exactOptional(),
});

export type StudySpec = z.output<typeof StudySpec>;
