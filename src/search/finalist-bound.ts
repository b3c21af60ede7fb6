/**
 * Skip simulating finalists that cannot reach the answer (issue #13). The planner answers the best
 * topK + 1 distinct shapes (ranking.ts distinctShapes) over every node count's simulated
 * finalists. Once topK + 1 distinct shapes have simulated step times ≤ T, a finalist whose
 * simulated step time must exceed T is beaten by all of them: it cannot be answered, and leaving
 * it out changes no answered plan (a worse finalist that takes its place in its node count's list
 * is beaten too). Its simulated step time is bounded below without simulating: estimate() adds the
 * post-pipeline time to the makespan, and any schedule's makespan (Zero Bubble: longest rank span)
 * is at least the busiest rank's work, m · Σ of its chunks' F + I + W; for 1F1B, GPipe and
 * interleaved 1F1B at least m · t_r + Σ_{s < r} t_s for every rank r, t_s the pass of stage s
 * (simulatedMakespanLowerBound says why).
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

/**
 * Lower bound on the simulated step's pipeline part (see the file comment), seconds. Without
 * split backward passes (GPipe, 1F1B, interleaved 1F1B) every rank r also waits before its first
 * action and is waited for after its last: its first action is a forward of its lowest stage r
 * (any other forward it holds runs through stage r first), which needs the forwards of stages
 * 0..r−1 of that micro-batch; its last is a backward of stage r (the backward of a higher stage
 * precedes it on the rank), which the backwards of stages r−1..0 follow. Zero Bubble steps are
 * rank spans, and slice-level stages pass slices: neither gets the chain.
 */
export function simulatedMakespanLowerBound(input: PipelineTimingInput): number {
  const perRank = new Array<number>(input.pp).fill(0);
  input.chunks.forEach((c, stage) => {
    const r = rankOf(input, stage);
    perRank[r] = (perRank[r] ?? 0) + c.forward + c.backwardInput + c.backwardWeight;
  });
  const m = input.numMicroBatches;
  const chain =
    input.schedule === '1f1b' ||
    input.schedule === 'gpipe' ||
    input.schedule === 'interleaved-1f1b';
  let bound = 0;
  let before = 0;
  perRank.forEach((t, r) => {
    bound = Math.max(bound, m * t + (chain ? before : 0));
    const stage = input.chunks[r];
    before += stage === undefined ? 0 : stage.forward + stage.backwardInput + stage.backwardWeight;
  });
  return bound * (1 - ROUNDING_SLACK);
}

/** The bound as a PipelineModel, so estimate() adds the same post-pipeline time to it. */
export const lowerBoundPipelineModel: PipelineModel = (input) => ({
  makespanSeconds: simulatedMakespanLowerBound(input),
  inFlightMicroBatches: closedFormPipeline(input).inFlightMicroBatches,
});

/**
 * A closed-form evaluation kept for refinement, slim (a search holds thousands): its closed-form
 * step for ordering, bounds on its simulated step, and what simulating it needs.
 */
export interface BoundedCandidate {
  readonly ok: true;
  readonly strategy: Strategy;
  /** The closed-form step time: a ranking heuristic, no bound. */
  readonly estimate: { readonly stepTimeSeconds: number };
  /** ≤ the step time the simulated schedule gives this candidate (= the estimate when pp = 1). */
  readonly simulatedBoundSeconds: number;
  /** What estimate() gave the pipeline model (null when pp = 1), to simulate it without estimate(). */
  readonly pipelineInput: PipelineTimingInput | null;
  /** The estimate's time after the pipeline drains (step − closed-form makespan, rounded). */
  readonly postPipelineSeconds: number;
  /** pp = 1: the evaluation itself, which is not simulated (its closed form is its answer). */
  readonly unpipelined: Feasible | null;
}

export type BoundedEvaluation = BoundedCandidate | Extract<Evaluation, { ok: false }>;

/**
 * Lower bound on the simulated step from the simulated makespan alone: estimate() adds the same
 * post-pipeline time to it, computed here by a subtraction that rounds within a few ulps.
 */
export function simulatedStepLowerBound(c: BoundedCandidate, makespanSeconds: number): number {
  const step = c.postPipelineSeconds + makespanSeconds;
  return step - ROUNDING_SLACK * step;
}

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
  if (!result.ok) return { ok: false, reason: result.reason };
  const step = result.estimate.stepTimeSeconds;
  // pp = 1 is not simulated (refine.ts): its closed form is its answer. Otherwise the subtraction
  // rounds within a few ulps of the step, far inside the slack.
  const pipelined = result.strategy.pp > 1;
  return {
    ok: true,
    strategy: result.strategy,
    estimate: { stepTimeSeconds: step },
    simulatedBoundSeconds: pipelined ? step - gapSeconds - ROUNDING_SLACK * step : step,
    pipelineInput: pipelined ? pipelineInput : null,
    postPipelineSeconds: step - makespanSeconds,
    unpipelined: pipelined ? null : result,
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
