/**
 * Predicts every published row with Strata and compares with the measurement. Shared by
 * `npm run validate` (prints the table) and test/validation (asserts the declared tolerance).
 */
import type { ProfileCatalog } from '../../src/hardware-profiles/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { planTraining } from '../../src/search/index.js';
import { PlanningError } from '../../src/costmodel/errors.js';
import type { Plan } from '../../src/plan/types.js';
import type { Framework } from '../../src/costmodel/index.js';
import type { PublishedRow } from './published-runs.js';
import {
  measuredStepSeconds,
  rowCluster,
  rowConstraints,
  rowSpec,
  rowTraining,
} from './published-runs.js';

export interface RowComparison {
  readonly id: string;
  readonly framework: Framework;
  readonly status: 'ok' | 'OOM';
  readonly measuredStepSeconds: number | null;
  readonly predictedStepSeconds: number | null;
  /** (predicted − measured) / measured. */
  readonly relativeError: number | null;
  readonly predictedFits: boolean;
  readonly predictedPeakMemoryBytes: number | null;
  readonly measuredMemoryGB: number | null;
  readonly plan: Plan | null;
  readonly note: string;
}

/** Rows with a step-level measurement (per-layer micro-benchmarks are compared separately). */
export function isStepRow(row: PublishedRow): boolean {
  return row.metric.status === 'OOM' || measuredStepSeconds(row) !== null;
}

export function compareRow(catalog: ProfileCatalog, row: PublishedRow): RowComparison {
  const measured = measuredStepSeconds(row);
  const spec = rowSpec(row);
  const training = rowTraining(row);
  const graph = buildModelGraph(spec, training.sequenceLength);
  const base = {
    id: row.id,
    framework: training.framework,
    status: row.metric.status === 'OOM' ? ('OOM' as const) : ('ok' as const),
    measuredStepSeconds: measured,
    measuredMemoryGB: row.metric.memory_gb,
  };
  try {
    const result = planTraining({
      graph,
      cluster: rowCluster(catalog, row),
      training,
      constraints: rowConstraints(row),
      objective: 'fastest',
      topK: 0,
      stepTimeTargetSeconds: null,
      maxCandidates: 100_000,
    });
    const predicted = result.best.estimate.stepTimeSeconds;
    return {
      ...base,
      predictedStepSeconds: predicted,
      relativeError: measured === null ? null : (predicted - measured) / measured,
      predictedFits: true,
      predictedPeakMemoryBytes: result.best.estimate.peakMemoryBytesPerGpu,
      plan: result.best,
      note: '',
    };
  } catch (error) {
    if (!(error instanceof PlanningError)) throw error;
    return {
      ...base,
      predictedStepSeconds: null,
      relativeError: null,
      predictedFits: false,
      predictedPeakMemoryBytes: null,
      plan: null,
      note: error.message,
    };
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/**
 * (predicted − published) / published peak memory per GPU, for rows that published one. Published
 * peaks are read as GiB: the sources print allocator or nvidia-smi bytes / 2^30 as "GB".
 */
export function memoryRelativeError(r: RowComparison): number | null {
  if (r.measuredMemoryGB === null || r.predictedPeakMemoryBytes === null) return null;
  return (r.predictedPeakMemoryBytes / 2 ** 30 - r.measuredMemoryGB) / r.measuredMemoryGB;
}

/** Signed-error percentiles of a set of rows, the shape of profiles/calibration/accuracy.json. */
export interface Band {
  readonly rows: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export function band(errors: readonly number[]): Band {
  return {
    rows: errors.length,
    p10: round4(percentile(errors, 10)),
    p50: round4(percentile(errors, 50)),
    p90: round4(percentile(errors, 90)),
  };
}

/** A framework's rows get their own band when there are at least this many. */
export const MIN_ROWS_PER_BAND = 10;

/** Bands of signed errors overall and per framework with enough rows. */
export function bandsByFramework(
  errors: readonly { readonly framework: Framework; readonly error: number }[],
): Record<string, Band> {
  const out: Record<string, Band> = { all: band(errors.map((e) => e.error)) };
  for (const framework of ['megatron', 'deepspeed', 'fsdp'] as const) {
    const own = errors.filter((e) => e.framework === framework).map((e) => e.error);
    if (own.length >= MIN_ROWS_PER_BAND) out[framework] = band(own);
  }
  return out;
}

/** The accuracy file's contents for these comparisons (scripts/validate.ts --write-accuracy). */
export function accuracyFile(results: readonly RowComparison[]): unknown {
  const stepErrors = results.flatMap((r) =>
    r.relativeError === null ? [] : [{ framework: r.framework, error: r.relativeError }],
  );
  const memoryErrors = results.flatMap((r) => {
    const error = memoryRelativeError(r);
    return error === null ? [] : [{ framework: r.framework, error }];
  });
  return {
    id: 'accuracy',
    stepTime: bandsByFramework(stepErrors),
    peakMemory: bandsByFramework(memoryErrors),
    source:
      'npm run validate -- --write-accuracy: signed relative error (predicted − measured) / measured over validation/published_runs.json',
    notes:
      'p10 / p50 / p90 of the signed error over all rows and per framework with at least 10 rows. An estimate t is reported with the range [t / (1 + p90), t / (1 + p10)]: 80% of the validated runs measured inside it. test/validation checks this file against the current model.',
  };
}
