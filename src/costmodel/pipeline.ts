/**
 * Closed-form pipeline timing and in-flight activations for the schedules the cost model knows
 * without simulation. src/schedule replaces these with a discrete-event simulation of the
 * generated per-rank action lists (the search passes that in as a PipelineModel).
 */
import type { ScheduleKind } from './strategy.js';

/** Per-rank, per-micro-batch seconds (summed over the rank's chunks, p2p included). */
export interface RankPassSeconds {
  readonly forward: number;
  readonly backwardInput: number;
  readonly backwardWeight: number;
}

export interface PipelineTimingInput {
  readonly schedule: ScheduleKind;
  readonly pp: number;
  readonly virtualStages: number;
  readonly numMicroBatches: number;
  /** Sequence slices per micro-batch (seq-slice-1f1b); 1 otherwise. */
  readonly slices: number;
  readonly ranks: readonly RankPassSeconds[];
  /** Per chunk (global pipeline stage index), per micro-batch, p2p included. */
  readonly chunks: readonly RankPassSeconds[];
}

export interface PipelineTiming {
  readonly makespanSeconds: number;
  /**
   * Peak number of micro-batches whose activations a rank holds at once, in units of "one
   * micro-batch through all of the rank's chunks" (fractional for interleaving / slices).
   */
  readonly inFlightMicroBatches: readonly number[];
}

export type PipelineModel = (input: PipelineTimingInput) => PipelineTiming;

const total = (r: RankPassSeconds): number => r.forward + r.backwardInput + r.backwardWeight;

/**
 * Makespan and in-flight activations in closed form, for p ranks, m micro-batches, v chunks:
 *  gpipe / 1f1b:     (m − 1)·max_r t_r + Σ_r t_r               (= (m + p − 1)·t when uniform)
 *  interleaved-1f1b: m·max_r t_r + (Σ_r t_r − max_r t_r)/v      (= (m + (p − 1)/v)·t)
 *  zb-h1:            m·t + (p − 1)·(F + I − W)     zb-h2: m·t + (p − 1)·max(0, F + I − 2W)
 *  zb-v:             as zb-h2 with half-size chunks;  seq-slice-1f1b: 1f1b with t/k granularity
 *  (ZB steps exclude the warm-up ramp: post-update validation overlaps it with the previous
 *  step's drain, Qi et al. §4.3; src/schedule's simulation agrees exactly for F = I = W.)
 * In flight on rank r: gpipe m; 1f1b and zb-h1 min(p − r, m); zb-h2 min(2(p − r) − 1, m);
 * interleaved min(2(p − r − 1) + (v − 1)p + 1, m·v)/v; seq-slice min(p − r + k − 1, m·k)/k.
 * @see Narayanan et al. SC'21 §2.2 (bubble (p−1)/m and (p−1)/(v·m)); Qi et al. ICLR'24 "Zero
 *      Bubble Pipeline Parallelism" Table 1 (ZB-H1/H2 bubble and memory); Korthikanti 2022 §4.2.3
 */
export function closedFormPipeline(input: PipelineTimingInput): PipelineTiming {
  const { pp: p, numMicroBatches: m, virtualStages: v, slices: k } = input;
  const times = input.ranks.map(total);
  const tMax = Math.max(...times);
  const tSum = times.reduce((a, b) => a + b, 0);
  const worst = input.ranks[times.indexOf(tMax)] ?? {
    forward: 0,
    backwardInput: 0,
    backwardWeight: 0,
  };
  const ranks = Array.from({ length: p }, (_, r) => r);
  switch (input.schedule) {
    case 'gpipe':
      return { makespanSeconds: (m - 1) * tMax + tSum, inFlightMicroBatches: ranks.map(() => m) };
    case '1f1b':
      return {
        makespanSeconds: (m - 1) * tMax + tSum,
        inFlightMicroBatches: ranks.map((r) => Math.min(p - r, m)),
      };
    case 'interleaved-1f1b':
      return {
        makespanSeconds: m * tMax + (tSum - tMax) / v,
        inFlightMicroBatches: ranks.map(
          (r) => Math.min(2 * (p - r - 1) + (v - 1) * p + 1, m * v) / v,
        ),
      };
    case 'zb-h1':
      return {
        makespanSeconds:
          m * tMax +
          (p - 1) * Math.max(0, worst.forward + worst.backwardInput - worst.backwardWeight),
        inFlightMicroBatches: ranks.map((r) => Math.min(p - r, m)),
      };
    case 'zb-h2':
      return {
        makespanSeconds:
          m * tMax +
          (p - 1) * Math.max(0, worst.forward + worst.backwardInput - 2 * worst.backwardWeight),
        inFlightMicroBatches: ranks.map((r) => Math.min(2 * (p - r) - 1, m)),
      };
    case 'zb-v':
      return {
        makespanSeconds:
          m * tMax +
          ((p - 1) * Math.max(0, worst.forward + worst.backwardInput - 2 * worst.backwardWeight)) /
            2,
        inFlightMicroBatches: ranks.map(() => Math.min(p, m)),
      };
    case 'seq-slice-1f1b':
      return {
        makespanSeconds: m * tMax + (tSum - tMax) / k,
        inFlightMicroBatches: ranks.map((r) => Math.min(p - r + k - 1, m * k) / k),
      };
  }
}
