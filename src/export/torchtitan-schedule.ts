/**
 * Strata schedule → torchtitan `parallelism.pipeline_parallel_schedule`.
 *
 * Names are the keys of `get_schedule_class` in PyTorch's torch/distributed/pipelining/schedules.py
 * (matched case-insensitively; list in test/fixtures/upstream/pytorch-schedule-names.json). When
 * `parallelism.pipeline_parallel_schedule_csv` is set, torchtitan builds `_PipelineScheduleRuntime`
 * from the CSV and uses the name only to place stages on ranks, so the name must be
 * `PipelineScheduleSingle` (one stage per rank) or `PipelineScheduleMulti`
 * (torchtitan/distributed/pipeline_parallel.py, `_build_pipeline_schedule`).
 */
import type { Plan } from '../plan/index.js';

/** File name the CSV override points at; its contents are TorchtitanExport.scheduleCsv. */
export const SCHEDULE_CSV_FILE = 'pipeline_schedule.csv';

export interface TorchtitanSchedule {
  readonly name: string;
  /** Stages (model chunks) per pipeline rank that this schedule runs. */
  readonly stagesPerRank: number;
  /** True when the schedule comes from a CSV file (no PyTorch class for it). */
  readonly fromCsv: boolean;
  readonly notes: readonly string[];
}

function csvSchedule(plan: Plan, why: string): TorchtitanSchedule {
  const v = plan.strategy.virtualStages;
  return {
    name: v > 1 ? 'PipelineScheduleMulti' : 'PipelineScheduleSingle',
    stagesPerRank: v,
    fromCsv: true,
    notes: [
      `${why}: torchtitan runs it as _PipelineScheduleRuntime from --parallelism.pipeline_parallel_schedule_csv ${SCHEDULE_CSV_FILE}; save scheduleCsv (the plan's simulated schedule, PyTorch "compute_only" cells) under that name.`,
    ],
  };
}

export function torchtitanSchedule(plan: Plan): TorchtitanSchedule {
  const s = plan.strategy;
  const v = s.virtualStages;
  switch (s.schedule) {
    case 'gpipe':
      return { name: v > 1 ? 'LoopedBFS' : 'GPipe', stagesPerRank: v, fromCsv: false, notes: [] };
    case '1f1b':
    case 'interleaved-1f1b':
      return {
        name: v > 1 ? 'Interleaved1F1B' : '1F1B',
        stagesPerRank: v,
        fromCsv: false,
        notes: [],
      };
    case 'zb-v':
      // Same V placement as Strata's layout (src/costmodel/stages.ts chunkRank): rank r holds
      // stages r and 2·pp−1−r (torchtitan _get_pp_rank_to_stage_indices_mapping, style "v").
      return { name: 'ZBVZeroBubble', stagesPerRank: 2, fromCsv: false, notes: [] };
    case 'zb-h1':
      return csvSchedule(
        plan,
        'PyTorch has no ZB-H1 class for one stage per rank (InterleavedZeroBubble is its looped variant)',
      );
    case 'zb-h2':
      return csvSchedule(plan, 'PyTorch has no ZB-H2 schedule class');
    case 'seq-slice-1f1b':
      return {
        ...csvSchedule(plan, 'PyTorch has no sequence-slicing 1F1B class'),
        notes: [
          ...csvSchedule(plan, 'PyTorch has no sequence-slicing 1F1B class').notes,
          `The CSV numbers each (micro-batch, slice) as its own micro-batch, so torchtitan runs ${s.numMicroBatches * s.sequenceSlices} micro-batches of ${plan.training.sequenceLength / s.sequenceSlices} tokens; PyTorch pipelining does not carry attention keys/values from earlier slices, so this reproduces the schedule's timing, not the model's full-context attention.`,
        ],
      };
  }
}
