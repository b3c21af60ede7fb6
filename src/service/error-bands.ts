/**
 * How sure an estimate is (issue #12): every estimate carries the range its published-run
 * residuals give (profiles/calibration/accuracy.json, written by npm run validate), a memory
 * verdict with its margin, and near-capacity when that margin is inside the memory band.
 * With e the signed error (predicted − measured) / measured of validated runs, a prediction t is
 * reported with [t / (1 + p90), t / (1 + p10)]: 80% of the validated runs measured inside it.
 */
import type { CostBreakdown, Framework } from '../costmodel/index.js';
import type { AccuracyBands, ErrorBand } from '../hardware-profiles/index.js';

export interface ValueRange {
  readonly low: number;
  readonly high: number;
}

export interface EstimateBands {
  readonly stepTimeRangeSeconds: ValueRange;
  readonly peakMemoryRangeBytes: ValueRange;
  /** Usable memory (capacity less headroom) minus the predicted peak; negative when over. */
  readonly memoryMarginBytes: number;
  /** Fits, but the memory band reaches past the usable memory. */
  readonly nearCapacity: boolean;
  /** Validated runs behind the step-time band. */
  readonly errorBandRows: number;
}

/** The framework's own band when validation has one, else the band over all rows. */
export function bandFor(bands: AccuracyBands['stepTime'], framework: Framework): ErrorBand {
  return bands[framework] ?? bands.all;
}

/** Where the measured value of a prediction lies, 80% of the time. */
export function measuredRange(predicted: number, band: ErrorBand): ValueRange {
  return { low: predicted / (1 + band.p90), high: predicted / (1 + band.p10) };
}

export function estimateBands(
  c: CostBreakdown,
  framework: Framework,
  accuracy: AccuracyBands,
): EstimateBands {
  const time = bandFor(accuracy.stepTime, framework);
  const memory = measuredRange(c.peakMemoryBytesPerGpu, bandFor(accuracy.peakMemory, framework));
  return {
    stepTimeRangeSeconds: measuredRange(c.stepTimeSeconds, time),
    peakMemoryRangeBytes: memory,
    memoryMarginBytes: c.usableMemoryBytesPerGpu - c.peakMemoryBytesPerGpu,
    nearCapacity: c.fits && memory.high > c.usableMemoryBytesPerGpu,
    errorBandRows: time.rows,
  };
}

/** The runner-up's verdict: is it distinguishable from the best given the step-time band? */
export interface RunnerUp {
  readonly stepTimeSeconds: number;
  /** (runner-up − best) / best. */
  readonly slowerByFraction: number;
  readonly withinErrorBand: boolean;
  readonly note: string;
}

/**
 * The best and the runner-up are told apart only when the runner-up's step time lies beyond the
 * best's band: (1 + gap) > (1 + p90) / (1 + p10).
 */
export function compareRunnerUp(
  bestSeconds: number,
  runnerUpSeconds: number,
  band: ErrorBand,
  describe: string,
): RunnerUp {
  const gap = runnerUpSeconds / bestSeconds - 1;
  const bandWidth = (1 + band.p90) / (1 + band.p10) - 1;
  const within = gap < bandWidth;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const note = within
    ? `The runner-up (${describe}) is only ${pct(gap)} slower, inside the model's ${pct(bandWidth)} error band (80% of ${band.rows} validated runs): treat the two as equivalent and choose on other grounds (memory margin, launch simplicity), or measure both.`
    : `The runner-up (${describe}) is ${pct(gap)} slower, beyond the model's ${pct(bandWidth)} error band (80% of ${band.rows} validated runs).`;
  return { stepTimeSeconds: runnerUpSeconds, slowerByFraction: gap, withinErrorBand: within, note };
}
