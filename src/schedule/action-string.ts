/**
 * Text form of an action, as torch.distributed.pipelining writes it: stage index, computation
 * type, micro-batch ("2F0" = stage 2, forward, micro-batch 0; "1I0", "1W0", "1B0").
 * A slice, when present, is appended as ":s<slice>" ("2F0:s1"); that suffix is Strata's own and
 * is not used in the PyTorch CSV (export-csv.ts flattens slices into the micro-batch index).
 * @see PyTorch, torch/distributed/pipelining/schedules.py, `_Action.from_str`.
 */
import type { Action, ActionKind } from './types.js';

const ACTION_PATTERN = /^(\d+)(F|I|W|B)(\d+)(?::s(\d+))?$/;

export function actionToString(action: Action): string {
  const base = `${action.stage}${action.kind}${action.microBatch}`;
  return action.slice === undefined ? base : `${base}:s${action.slice}`;
}

/** Inverse of actionToString; returns null when the text is not an action. */
export function parseAction(text: string): Action | null {
  const match = ACTION_PATTERN.exec(text.trim());
  if (match === null) return null;
  const [, stage, kind, microBatch, slice] = match;
  if (stage === undefined || kind === undefined || microBatch === undefined) return null;
  const base = { kind: kind as ActionKind, stage: Number(stage), microBatch: Number(microBatch) };
  return slice === undefined ? base : { ...base, slice: Number(slice) };
}

/** Builds an action, adding `slice` only when given (exactOptionalPropertyTypes-friendly). */
export function makeAction(
  kind: ActionKind,
  stage: number,
  microBatch: number,
  slice?: number,
): Action {
  return slice === undefined ? { kind, stage, microBatch } : { kind, stage, microBatch, slice };
}
