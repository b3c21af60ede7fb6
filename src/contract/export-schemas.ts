/**
 * Response shapes of exports and pipeline schedules (pinned to openapi.yaml by
 * test/http/schemas.types.test.ts, like response-schemas.ts).
 */
import { z } from 'zod';
import { ScheduleId } from './enums.js';

const strings = z.array(z.string());
/** Environment variables a launch needs; the command text already sets them. */
const Env = z.record(z.string(), z.string());
const RankGroups = z.array(z.array(z.int()));

export const PlanSchedule = z.object({
  kind: z.string(),
  numRanks: z.int(),
  numStages: z.int(),
  numMicroBatches: z.int(),
  chunksPerRank: z.int(),
  slicesPerMicroBatch: z.int(),
  stageToRank: z.array(z.int()),
  ranks: z.array(strings),
  makespanSeconds: z.number(),
  bubbleFraction: z.number(),
  bubbleFractionPerRank: z.array(z.number()),
  peakInFlightMicroBatches: z.array(z.number()),
});

export const MegatronExport = z.object({
  format: z.enum(['megatron']),
  argv: strings,
  env: Env,
  text: z.string(),
  notes: strings,
});

export const DeepSpeedExport = z.object({
  format: z.enum(['deepspeed']),
  config: z.record(z.string(), z.unknown()),
  pipelineStages: z.int(),
  pipeline: z.object({
    numStages: z.int(),
    partitionMethod: z.enum(['uniform', 'explicit']),
    layersPerStage: z.array(z.int()),
  }),
  launch: z.object({
    topology: z.object({ numPp: z.int(), numMp: z.int(), numDp: z.int() }).nullable(),
    mpu: z.enum(['pipeline-grid', 'deepspeed.utils.groups']).nullable(),
    activationCheckpointInterval: z.int().nullable(),
  }),
  env: Env,
  script: z.string(),
  command: z.string(),
  text: z.string(),
  notes: strings,
});

export const TorchtitanExport = z.object({
  format: z.enum(['torchtitan']),
  settings: z.array(
    z.object({
      option: z.string(),
      value: z.union([z.number(), z.string(), z.array(strings)]),
      cli: z.boolean(),
    }),
  ),
  switches: z.array(z.object({ option: z.string(), value: z.boolean() })),
  overrides: strings,
  env: Env,
  activationCheckpoint: z.enum(['none', 'selective', 'full']),
  python: z.string(),
  text: z.string(),
  scheduleCsv: z.string().nullable(),
  notes: strings,
});

export const TorchrunExport = z.object({
  format: z.enum(['torchrun']),
  commands: strings,
  env: Env,
  hostfile: z.string(),
  text: z.string(),
});

export const RankMapExport = z.object({
  format: z.enum(['rankmap']),
  summary: z.object({
    worldSize: z.int(),
    gpusPerNode: z.int(),
    order: z.enum(['tp-cp-ep-dp-pp']),
    rankFormula: z.string(),
    tpGroupsWithinNode: z.boolean(),
    cpGroupsWithinNode: z.boolean(),
  }),
  offset: z.int(),
  ranks: z.array(
    z.object({
      rank: z.int(),
      node: z.int(),
      localRank: z.int(),
      tp: z.int(),
      cp: z.int(),
      dp: z.int(),
      pp: z.int(),
    }),
  ),
  tensorParallelGroups: RankGroups,
  contextParallelGroups: RankGroups,
  dataParallelGroups: RankGroups,
  pipelineParallelGroups: RankGroups,
  expertTensorParallelGroups: RankGroups,
  expertParallelGroups: RankGroups,
  expertDataParallelGroups: RankGroups,
  dataParallelShardGroups: RankGroups,
  dataParallelReplicateGroups: RankGroups,
  text: z.string(),
});

export const PlanExport = z.discriminatedUnion('format', [
  MegatronExport,
  DeepSpeedExport,
  TorchtitanExport,
  TorchrunExport,
  RankMapExport,
]);

export const PlanExports = z.object({
  megatron: MegatronExport.exactOptional(),
  deepspeed: DeepSpeedExport.exactOptional(),
  torchtitan: TorchtitanExport.exactOptional(),
  torchrun: TorchrunExport.exactOptional(),
  rankmap: RankMapExport.exactOptional(),
});

export const ScheduleResponse = z.object({
  schedule: ScheduleId,
  stages: z.int(),
  microBatches: z.int(),
  virtualStages: z.int(),
  slices: z.int(),
  ranks: z.array(z.object({ rank: z.int(), actions: strings })),
  timeline: z.array(
    z.object({
      rank: z.int(),
      action: z.string(),
      startSeconds: z.number(),
      endSeconds: z.number(),
    }),
  ),
  makespanSeconds: z.number(),
  bubbleFraction: z.number(),
  bubbleFractionPerRank: z.array(z.number()),
  peakActivationsInFlight: z.array(z.number()),
});

export type ApiPlanSchedule = z.output<typeof PlanSchedule>;
export type ApiPlanExport = z.output<typeof PlanExport>;
export type ApiPlanExports = z.output<typeof PlanExports>;
export type ScheduleResponse = z.output<typeof ScheduleResponse>;
