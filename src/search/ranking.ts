/** Ordering of evaluated candidates: the one rule the planner and its cluster searches share. */
import type { RefinedCandidate } from './refine.js';
import type { Strategy } from '../costmodel/index.js';
import { strategyKey } from './evaluate.js';

/** What ranking reads of a candidate. */
export interface Ranked {
  readonly strategy: Strategy;
  readonly estimate: { readonly stepTimeSeconds: number };
}

/** Faster first; equal step times break on strategyKey so that the answer is deterministic. */
export function better(a: Ranked, b: Ranked): boolean {
  const dt = a.estimate.stepTimeSeconds - b.estimate.stepTimeSeconds;
  if (dt !== 0) return dt < 0;
  return strategyKey(a.strategy) < strategyKey(b.strategy);
}

/** Insert into a list kept sorted best-first and bounded to `limit` entries. */
export function keepTop<T extends Ranked>(top: T[], candidate: T, limit: number): void {
  let index = top.length;
  while (index > 0) {
    const previous = top[index - 1];
    if (previous === undefined || !better(candidate, previous)) break;
    index--;
  }
  if (index >= limit) return;
  top.splice(index, 0, candidate);
  if (top.length > limit) top.pop();
}

/**
 * Alternatives should be alternatives: keep the best of each parallel shape (degrees, micro-batch,
 * schedule, recompute, ZeRO), not near-copies that differ only in layer split or slice count.
 */
export function distinctShapes(sorted: readonly RefinedCandidate[]): RefinedCandidate[] {
  const seen = new Set<string>();
  return sorted.filter((c) => {
    const key = shapeKey(c.strategy);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What distinctShapes tells alternatives apart by. */
export function shapeKey(s: Strategy): string {
  return [
    s.dp,
    s.tp,
    s.pp,
    s.virtualStages,
    s.microBatchSize,
    s.schedule,
    s.recompute,
    s.zeroStage,
    s.dpShard ?? s.dp,
    s.cp,
    s.ep ?? 1,
    s.etp ?? 1,
  ].join('|');
}
