/**
 * Skip simulating finalists that cannot reach the answer (issue #13). The planner answers the best
 * topK + 1 distinct shapes (ranking.ts distinctShapes) over every node count's simulated
 * finalists. Once topK + 1 distinct shapes have simulated step times ≤ T, a finalist whose
 * simulated step time must exceed T is beaten by all of them: it cannot be answered, and leaving
 * it out changes no answered plan (a worse finalist that takes its place in its node count's list
 * is beaten too). Its simulated step time is bounded below without simulating: estimate() adds the
 * post-pipeline time to the makespan, and any schedule's makespan (Zero Bubble: longest rank span)
 * is at least the busiest rank's work, m · Σ of its chunks' F + I + W; for 1F1B and GPipe at least
 * m · t_r + Σ_{r' < r} t_r' for every rank r (its first forward waits for micro-batch 0's
 * forwards on the ranks before it, and the backward of its last action runs back through them).
 */
import type { PipelineModel, PipelineTimingInput } from '../costmodel/index.js';
import { closedFormPipeline } from '../costmodel/index.js';
import type { Feasible } from './refine.js';
import { shapeKey } from './ranking.js';

/**
 * Relative slack for rounding: the bound adds in another order than the simulator does (≤ n·ε
 * for n ≤ 10⁶ terms, far below this).
 */
const ROUNDING_SLACK = 1e-9;

/** Rank holding global stage s: linear and interleaved s mod p; Zero Bubble V-shape. */
function rankOf(input: PipelineTimingInput, stage: number): number {
  const p = input.pp;
  if (input.schedule === 'zb-v') return stage < p ? stage : 2 * p - 1 - stage;
  return stage % p;
}

/** Lower bound on the simulated step's pipeline part (see the file comment), seconds. */
export function simulatedMakespanLowerBound(input: PipelineTimingInput): number {
  const perRank = new Array<number>(input.pp).fill(0);
  input.chunks.forEach((c, stage) => {
    const r = rankOf(input, stage);
    perRank[r] = (perRank[r] ?? 0) + c.forward + c.backwardInput + c.backwardWeight;
  });
  const m = input.numMicroBatches;
  let bound = 0;
  let before = 0;
  const chain = input.schedule === '1f1b' || input.schedule === 'gpipe';
  for (const t of perRank) {
    bound = Math.max(bound, m * t + (chain ? before : 0));
    before += t;
  }
  return bound * (1 - ROUNDING_SLACK);
}

/** The bound as a PipelineModel, so estimate() adds the same post-pipeline time to it. */
export const lowerBoundPipelineModel: PipelineModel = (input) => ({
  makespanSeconds: simulatedMakespanLowerBound(input),
  inFlightMicroBatches: closedFormPipeline(input).inFlightMicroBatches,
});

/**
 * The best simulated step time of up to `keep` distinct shapes seen so far (each a real simulated
 * finalist, so the keep-th of them bounds the answer's keep-th distinct shape from above).
 */
export class AnsweredThreshold {
  private readonly best: { key: string; seconds: number }[] = [];
  /** Finalists left unsimulated because they could not be answered. */
  skipped = 0;

  constructor(private readonly keep: number) {}

  /** Record a simulated finalist. */
  add(candidate: Feasible): void {
    const key = shapeKey(candidate.strategy);
    const seconds = candidate.estimate.stepTimeSeconds;
    const known = this.best.find((b) => b.key === key);
    if (known !== undefined) known.seconds = Math.min(known.seconds, seconds);
    else this.best.push({ key, seconds });
    this.best.sort((a, b) => a.seconds - b.seconds);
    if (this.best.length > this.keep) this.best.length = this.keep;
  }

  countSkipped(): void {
    this.skipped += 1;
  }

  /** A finalist whose simulated step time must exceed this cannot be answered; +∞ until full. */
  get seconds(): number {
    return this.best.length < this.keep
      ? Number.POSITIVE_INFINITY
      : (this.best[this.keep - 1]?.seconds ?? Number.POSITIVE_INFINITY);
  }
}
