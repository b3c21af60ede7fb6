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
import type { PipelineModel, PipelineTimingInput, Strategy } from '../costmodel/index.js';
import { closedFormPipeline } from '../costmodel/index.js';
import type { Evaluation, EvaluationOptions } from './evaluate.js';
import { evaluateCandidate } from './evaluate.js';
import type { Feasible } from './refine.js';
import { shapeKey } from './ranking.js';
import type { PlanningProblem } from './types.js';

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

/** A closed-form evaluation that also bounds the candidate's simulated step time from below. */
export type BoundedFeasible = Feasible & {
  /** ≤ the step time the simulated schedule gives this candidate (= the estimate when pp = 1). */
  readonly simulatedBoundSeconds: number;
  /** What estimate() gave the pipeline model (null when pp = 1), to simulate it without estimate(). */
  readonly pipelineInput: PipelineTimingInput | null;
  /** The estimate's time after the pipeline drains (step − closed-form makespan, rounded). */
  readonly postPipelineSeconds: number;
};

/**
 * Lower bound on the simulated step from the simulated makespan alone: estimate() adds the same
 * post-pipeline time to it, computed here by a subtraction that rounds within a few ulps.
 */
export function simulatedStepLowerBound(c: BoundedFeasible, makespanSeconds: number): number {
  const step = c.postPipelineSeconds + makespanSeconds;
  return step - ROUNDING_SLACK * step;
}

export type BoundedEvaluation = BoundedFeasible | Extract<Evaluation, { ok: false }>;

/**
 * Evaluate with the closed-form pipeline (the search's ranking heuristic) and, from the same
 * estimate() call, the lower bound on the simulated step: the closed-form makespan swapped for
 * simulatedMakespanLowerBound (estimate() adds the post-pipeline time to whichever makespan the
 * pipeline model gives). The closed form is no bound — with uneven stage costs it can exceed
 * the simulation for every schedule kind — so only this bound may prune (search-cluster.ts).
 */
export function evaluateWithSimulatedBound(
  problem: Pick<PlanningProblem, 'graph' | 'cluster' | 'training'>,
  strategy: Strategy,
  options: EvaluationOptions,
): BoundedEvaluation {
  let gapSeconds = 0;
  let makespanSeconds = 0;
  let pipelineInput: PipelineTimingInput | null = null;
  const pipelineModel: PipelineModel = (input) => {
    const timing = closedFormPipeline(input);
    makespanSeconds = timing.makespanSeconds;
    gapSeconds = makespanSeconds - simulatedMakespanLowerBound(input);
    pipelineInput = input;
    return timing;
  };
  const result = evaluateCandidate(problem, strategy, { ...options, pipelineModel });
  if (!result.ok) return result;
  const step = result.estimate.stepTimeSeconds;
  // pp = 1 is not simulated (refine.ts): its closed form is its answer. Otherwise the subtraction
  // rounds within a few ulps of the step, far inside the slack.
  const pipelined = result.strategy.pp > 1;
  return {
    ...result,
    simulatedBoundSeconds: pipelined ? step - gapSeconds - ROUNDING_SLACK * step : step,
    pipelineInput: pipelined ? pipelineInput : null,
    postPipelineSeconds: step - makespanSeconds,
  };
}

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

  /** The best simulated step time recorded; +∞ until one is. */
  get bestSeconds(): number {
    return this.best[0]?.seconds ?? Number.POSITIVE_INFINITY;
  }

  /** A finalist whose simulated step time must exceed this cannot be answered; +∞ until full. */
  get seconds(): number {
    return this.best.length < this.keep
      ? Number.POSITIVE_INFINITY
      : (this.best[this.keep - 1]?.seconds ?? Number.POSITIVE_INFINITY);
  }
}
