/** Study domain types → API JSON (the plan of each row in the API's Plan shape). */
import type { ScenarioResult, StudyAnalysis, StudyInputReason } from '../studies/index.js';
import type { StudySnapshot } from './studies/index.js';
import { analyseStudy, StudyInputError } from '../studies/index.js';
import { ApiError } from '../contract/index.js';
import { planToApi } from './map-response.js';
import type { AccuracyBands } from '../hardware-profiles/index.js';
import { toApiError } from './normalise-error.js';
import type { components, ErrorCode } from '../contract/index.js';

type Schemas = components['schemas'];

export function resultToApi(
  result: ScenarioResult,
  accuracy: AccuracyBands,
): Record<string, unknown> {
  return { ...result, plan: result.plan === null ? null : planToApi(result.plan, accuracy) };
}

/** The chosen scenario by reference (its row is in `results`). */
function scenarioRef(result: ScenarioResult | null): Schemas['StudyScenarioRef'] | null {
  return result === null
    ? null
    : {
        index: result.scenario.index,
        label: result.scenario.label,
        costUsd: result.costUsd,
        timeToTrainDays: result.timeToTrainDays,
      };
}

/** Typed by the contract, so a field the openapi document lacks fails the build. */
export function analysisToApi(analysis: StudyAnalysis): Schemas['StudyAnalysis'] {
  return {
    frontier: [...analysis.frontier],
    scaling: analysis.scaling.map((series) => ({ ...series, points: [...series.points] })),
    cheapestMeetingDeadline: scenarioRef(analysis.cheapestMeetingDeadline),
    feasibleCount: analysis.feasibleCount,
    infeasibleCount: analysis.infeasibleCount,
    // Per model, so a small model's cheap rows never hide a large model's answer (issue #16).
    models: analysis.models.map((m) => ({
      model: m.model,
      frontier: [...m.frontier],
      cheapestMeetingDeadline: scenarioRef(m.cheapestMeetingDeadline),
      feasibleCount: m.feasibleCount,
      infeasibleCount: m.infeasibleCount,
    })),
  };
}

export function snapshotToApi(
  snapshot: StudySnapshot,
  accuracy: AccuracyBands,
): Record<string, unknown> {
  return {
    id: snapshot.id,
    status: snapshot.status,
    progress: snapshot.progress,
    createdAt: snapshot.createdAt,
    error: snapshot.error,
    analysis: analysisToApi(analyseStudy(snapshot.results)),
    results: snapshot.results.map((r) => resultToApi(r, accuracy)),
  };
}

const CODE_BY_REASON: Readonly<Record<StudyInputReason, ErrorCode>> = {
  'too-many-scenarios': 'VALIDATION_FAILED',
  'empty-axis': 'VALIDATION_FAILED',
  'invalid-input': 'VALIDATION_FAILED',
  'unknown-model': 'UNKNOWN_MODEL',
  'unknown-accelerator': 'UNKNOWN_ACCELERATOR',
  'unknown-preset': 'UNKNOWN_PRESET',
};

/** StudyInputError → 400 with its reason and field; everything else through the API normaliser. */
export function studyErrorToApi(error: unknown): ApiError {
  if (error instanceof StudyInputError) {
    return new ApiError(CODE_BY_REASON[error.reason], error.message, {
      field: error.field,
      details: { reason: error.reason, ...error.details },
    });
  }
  const apiError = toApiError(error);
  if (apiError.code !== 'VALIDATION_FAILED' || apiError.issues === undefined) return apiError;
  const empty = apiError.issues.find((i) => i.code === 'too_small' && i.path[0] === 'axes');
  if (empty === undefined) return apiError;
  return new ApiError(
    'VALIDATION_FAILED',
    `${empty.path.join('.')}: an axis must list at least one value (${apiError.message})`,
    {
      field: empty.path.join('.'),
      issues: apiError.issues,
      details: { reason: 'empty-axis' },
    },
  );
}
