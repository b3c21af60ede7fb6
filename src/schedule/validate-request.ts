/**
 * Checks a ScheduleRequest (user input, STYLE.md §7–8) and resolves its derived sizes.
 * Every message prints the offending numbers.
 */
import { ScheduleInputError } from './errors.js';
import type { ScheduleKind, ScheduleRequest } from './types.js';

export interface ResolvedRequest {
  readonly kind: ScheduleKind;
  /** p */
  readonly numRanks: number;
  /** m */
  readonly numMicroBatches: number;
  /** v: chunks per rank. */
  readonly chunksPerRank: number;
  /** k: slices per micro-batch. */
  readonly slicesPerMicroBatch: number;
}

function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new ScheduleInputError(field, `${field}=${value} must be a positive integer`);
  }
}

function resolveVirtualStages(request: ScheduleRequest): number {
  const { kind, numRanks: p, numMicroBatches: m, virtualStages } = request;
  if (virtualStages !== undefined) requirePositiveInteger('virtualStages', virtualStages);
  switch (kind) {
    case 'interleaved-1f1b': {
      const v = virtualStages ?? 2;
      if (v < 2) {
        throw new ScheduleInputError(
          'virtualStages',
          `virtualStages=${v} must be at least 2 for interleaved-1f1b`,
        );
      }
      if (m % p !== 0) {
        throw new ScheduleInputError(
          'numMicroBatches',
          `microBatches=${m} must be a multiple of pipeline ranks=${p} for interleaved-1f1b`,
        );
      }
      return v;
    }
    case 'zb-v':
      if (virtualStages !== undefined && virtualStages !== 2) {
        throw new ScheduleInputError(
          'virtualStages',
          `virtualStages=${virtualStages} must be 2 for zb-v (V-shaped placement)`,
        );
      }
      return 2;
    case 'gpipe':
    case '1f1b':
    case 'zb-h1':
    case 'zb-h2':
    case 'seq-slice-1f1b':
      if (virtualStages !== undefined && virtualStages !== 1) {
        throw new ScheduleInputError(
          'virtualStages',
          `virtualStages=${virtualStages} must be 1 for ${kind} (one chunk per rank)`,
        );
      }
      return 1;
  }
}

function resolveSlices(request: ScheduleRequest): number {
  const { kind, slices } = request;
  if (slices === undefined) return 1;
  requirePositiveInteger('slices', slices);
  if (kind !== 'seq-slice-1f1b' && slices !== 1) {
    throw new ScheduleInputError('slices', `slices=${slices} is only valid for seq-slice-1f1b`);
  }
  return slices;
}

export function resolveRequest(request: ScheduleRequest): ResolvedRequest {
  requirePositiveInteger('numRanks', request.numRanks);
  requirePositiveInteger('numMicroBatches', request.numMicroBatches);
  return {
    kind: request.kind,
    numRanks: request.numRanks,
    numMicroBatches: request.numMicroBatches,
    chunksPerRank: resolveVirtualStages(request),
    slicesPerMicroBatch: resolveSlices(request),
  };
}
