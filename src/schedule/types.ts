/**
 * Pipeline-schedule vocabulary (STYLE.md §6). Glossary:
 *  - rank: one pipeline-parallel device (0..numRanks−1).
 *  - stage: one model chunk in pipeline order, global index 0..numStages−1; numStages =
 *    numRanks · chunksPerRank. Rank r may hold several stages (interleaved, V-shape).
 *  - micro-batch: one of numMicroBatches gradient-accumulation slices of the step.
 *  - slice: one of slicesPerMicroBatch sequence slices of a micro-batch (seq-slice-1f1b only).
 *  - action kinds: F forward; B full backward; I backward for input gradients; W backward for
 *    weight gradients (B = I + W). @see Qi et al., "Zero Bubble Pipeline Parallelism", ICLR'24, §2.
 */
import type { ScheduleKind } from '../costmodel/index.js';

export type { ScheduleKind };

export type ActionKind = 'F' | 'B' | 'I' | 'W';

export interface Action {
  readonly kind: ActionKind;
  /** Global pipeline stage (model chunk) index, 0..numStages−1. */
  readonly stage: number;
  readonly microBatch: number;
  /** Sequence slice, 0..slicesPerMicroBatch−1; present only for slice-level schedules. */
  readonly slice?: number;
}

/** Ordered per-rank action lists: ranks[r] is what rank r runs, strictly in order. */
export interface PipelineSchedule {
  readonly kind: ScheduleKind;
  readonly numRanks: number;
  /** numRanks · chunksPerRank. */
  readonly numStages: number;
  readonly numMicroBatches: number;
  readonly chunksPerRank: number;
  /** 1 unless kind is seq-slice-1f1b. */
  readonly slicesPerMicroBatch: number;
  /** stageToRank[s] = the rank that holds stage s. */
  readonly stageToRank: readonly number[];
  readonly ranks: readonly (readonly Action[])[];
}

export interface ScheduleRequest {
  readonly kind: ScheduleKind;
  /** p: pipeline-parallel degree. */
  readonly numRanks: number;
  /** m: micro-batches per step. */
  readonly numMicroBatches: number;
  /** v: model chunks per rank (interleaved-1f1b only; zb-v always uses 2). */
  readonly virtualStages?: number;
  /** k: sequence slices per micro-batch (seq-slice-1f1b only). */
  readonly slices?: number;
}

/**
 * Per-stage costs for simulation. Index = global stage. Costs are per micro-batch; for a
 * slice-level schedule each slice costs 1/k of its micro-batch (uniform slices, see simulate.ts).
 */
export interface StageCosts {
  readonly forwardSeconds: readonly number[];
  readonly backwardInputSeconds: readonly number[];
  readonly backwardWeightSeconds: readonly number[];
  /** Activation transfer per boundary s → s+1 (length numStages−1), or one value for all; 0 if same rank. */
  readonly p2pSeconds?: number | readonly number[];
  /** Activations kept from F until I/B finishes, per stage per micro-batch. */
  readonly activationBytesPerMicroBatch?: readonly number[];
}

export interface TimelineEntry {
  readonly rank: number;
  readonly action: Action;
  readonly startSeconds: number;
  readonly endSeconds: number;
}

export interface SimulationResult {
  /** Ordered by rank, then by position in the rank's list. */
  readonly timeline: readonly TimelineEntry[];
  readonly makespanSeconds: number;
  /** Per rank: 1 − busySeconds / makespanSeconds. */
  readonly bubbleFractionPerRank: readonly number[];
  /** Mean of bubbleFractionPerRank. */
  readonly bubbleFraction: number;
  /** Per rank: max count of (stage, micro-batch[, slice]) units with F started and I/B not finished. */
  readonly peakInFlightMicroBatches: readonly number[];
  /** Per rank: max activation bytes held (0 when activationBytesPerMicroBatch is not given). */
  readonly peakActivationBytes: readonly number[];
}
