/** CLI failures: a bad flag (exit 2) or a request the planner rejects (exit 1 or 2). */
import { ApiError } from '../contract/index.js';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  constructor(
    readonly flag: string | null,
    message: string,
  ) {
    super(flag === null ? message : `${flag}: ${message}`);
  }
}

/** Request paths → the flag that sets them, so API errors name the user's flag. */
const FLAG_BY_FIELD: readonly (readonly [RegExp, string])[] = [
  [/^model(\.|$)/, '--model'],
  [/^cluster\.preset$/, '--cluster'],
  [/^cluster\.accelerator$/, '--accelerator'],
  [/^cluster\.gpusPerNode$/, '--gpus-per-node'],
  [/^cluster\.nodes$/, '--nodes'],
  [/^training\.globalBatchSize$/, '--global-batch'],
  [/^training\.sequenceLength$/, '--seq'],
  [/^training\.precision$/, '--precision'],
  [/^search\.objective$/, '--objective'],
  [/^search\.topK$/, '--top'],
  [/^search\.maxCandidates$/, '--max-candidates'],
  [/^search\.stepTimeTargetSeconds$/, '--step-time-target'],
  [/^search\.timeLimitSeconds$/, '--time-limit'],
  [/^search\.solver$/, '--solver'],
  [/^search\.exports(\.|$)/, '--emit'],
  [/^stages$/, '--stages'],
  [/^microBatches$/, '--micro-batches'],
  [/^schedule$/, '--schedule'],
  [/^virtualStages$/, '--virtual-stages'],
  [/^slices$/, '--slices'],
  [/^format$/, '--format'],
  [/^strategy\.dataParallel$/, '--dp'],
  [/^strategy\.tensorParallel$/, '--tp'],
  [/^strategy\.pipelineParallel$/, '--pp'],
  [/^strategy\.microBatchSize$/, '--mbs'],
  [/^strategy\.numMicroBatches$/, '--micro-batches'],
  [/^strategy\.virtualStages$/, '--vpp'],
  [/^strategy\.recompute$/, '--recompute'],
  [/^strategy\.zeroStage$/, '--zero'],
  [/^strategy\.schedule$/, '--schedule'],
];

export function flagForField(field: string | undefined): string | null {
  if (field === undefined) return null;
  return FLAG_BY_FIELD.find(([pattern]) => pattern.test(field))?.[1] ?? null;
}

export interface CliFailure {
  readonly message: string;
  readonly exitCode: number;
}

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** One line for stderr and an exit code: 2 for input the user must fix, 1 otherwise. */
export function describeFailure(error: unknown): CliFailure {
  if (error instanceof CliUsageError) return { message: error.message, exitCode: EXIT_USAGE };
  if (error instanceof ApiError) {
    const flag = flagForField(error.field);
    const detail = error.message.replace(/\s+/g, ' ');
    const message = flag === null ? detail : `${flag}: ${detail}`;
    return { message, exitCode: error.status < 422 ? EXIT_USAGE : EXIT_FAILURE };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${text}`, exitCode: EXIT_FAILURE };
}
