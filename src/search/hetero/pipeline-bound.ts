/**
 * Lower bounds on a heterogeneous 1F1B pipeline's simulated step time, used by the pipeline search
 * to skip candidates (and partial ones) that cannot beat the incumbent. Exact: never above the
 * step evaluatePipeline simulates, whose stage j takes c_j ≥ b_j + l_j·τ_j per micro-batch, where
 * l_j ≥ 1 are its integer layers, τ_j its per-layer seconds without recompute and b_j the part known
 * without the partition (embedding, LM head, p2p at its boundaries); recompute and the
 * post-pipeline sync only add.
 *
 * Integer layers matter: 24 layers on 17 stages cannot split evenly, so the bottleneck is at least
 * 2 layers of some stage; the continuous bound L/Σ(1/τ_j) would say 24/17 of a layer.
 */

/** `count` stages, each taking baseSeconds + layers·tauSeconds per micro-batch. */
export interface StageRun {
  readonly tauSeconds: number;
  readonly baseSeconds: number;
  readonly count: number;
  /** Most layers each of these stages can hold (GPU memory); absent = no cap. */
  readonly maxLayers?: number;
}

/** Slack for floor(T/τ) at T = a·τ computed in floating point (over-counting keeps it a bound). */
const FLOOR_EPSILON = 1e-9;

/** Whole steps of `step` seconds that fit between `start` and `seconds` (negative before start). */
function wholeSteps(seconds: number, start: number, step: number): number {
  return Math.floor((seconds - start) / step + FLOOR_EPSILON);
}

/** The first breakpoint start + a·step (a ≥ 1) after `seconds`. */
function nextStep(seconds: number, start: number, step: number): number {
  return start + (Math.max(0, wholeSteps(seconds, start, step)) + 1) * step;
}

function layersWithin(seconds: number, run: StageRun): number {
  return run.count * Math.max(0, wholeSteps(seconds, run.baseSeconds, run.tauSeconds));
}

/**
 * Smallest bottleneck T (seconds) any integer partition of `layers` layers can reach, where every
 * `required` stage holds ≥ 1 layer (so T ≥ b + τ) and each `optional` group may add the stages of
 * at most one of its alternatives (or none): min T with Σ_required count·⌊(T − b)/τ⌋ +
 * Σ_groups max_alt count·⌊(T − b)/τ⌋ ≥ layers. Found by walking the breakpoints b + a·τ upward
 * from the continuous bound layers / Σ rates, which capacity(T) ≤ T·Σ rates makes a valid start.
 */
export function minBottleneckSeconds(
  required: readonly StageRun[],
  optional: readonly (readonly StageRun[])[],
  layers: number,
): number {
  // Plain loops: this runs at every node of the pipeline search.
  let rate = 0;
  let start = 0;
  let any = false;
  for (const r of required) {
    if (r.count === 0) continue;
    any = true;
    rate += r.count / r.tauSeconds;
    start = Math.max(start, r.baseSeconds + r.tauSeconds);
  }
  for (const alternatives of optional) {
    let widest = 0;
    for (const r of alternatives) {
      if (r.count === 0) continue;
      any = true;
      widest = Math.max(widest, r.count / r.tauSeconds);
    }
    rate += widest;
  }
  if (!any) return Number.POSITIVE_INFINITY;
  const capacity = (t: number): number => {
    let total = 0;
    for (const r of required) total += layersWithin(t, r);
    for (const alternatives of optional) {
      let most = 0;
      for (const r of alternatives) most = Math.max(most, layersWithin(t, r));
      total += most;
    }
    return total;
  };
  const nextBreakpoint = (t: number, r: StageRun): number =>
    r.count === 0 ? Number.POSITIVE_INFINITY : nextStep(t, r.baseSeconds, r.tauSeconds);
  let t = Math.max(layers / rate, start);
  while (capacity(t) < layers) {
    let next = Number.POSITIVE_INFINITY;
    for (const r of required) next = Math.min(next, nextBreakpoint(t, r));
    for (const alternatives of optional) {
      for (const r of alternatives) next = Math.min(next, nextBreakpoint(t, r));
    }
    t = next;
  }
  return t;
}

/**
 * Min over integer splits (each stage ≥ 1 layer) of
 *   max( max_k (m·c_k + Q_k), (m − 1)·c_last + Σ_j c_j ),  c_j = b_j + l_j·τ_j,
 * Q_k = Σ_{j<k} (b_j + τ_j) (stage k's predecessors with one layer each): the simulated 1F1B lower
 * bound below. For a trial T, stage k may hold at most u_k(T) = ⌊(T − Q_k − m·b_k)/(m·τ_k)⌋ layers,
 * and the cheapest (m − 1)·c_last + Σ c within those boxes puts one layer everywhere and the rest on
 * the smallest marginal cost (τ_k, or m·τ_last on the last stage) — a separable linear program, so
 * greedy is optimal: g(T). Boxes, hence g, change only at the breakpoints T = m·(b_k + a·τ_k) + Q_k,
 * so walking them upward finds the least T with feasible boxes and g(T) ≤ T. A stage's memory cap
 * (StageRun.maxLayers) only shrinks its box, so the greedy stays optimal and the bound exact.
 * `stages` are in pipeline order, `last` follows them.
 */
function minOneFOneBSeconds(
  stages: readonly StageRun[],
  last: StageRun,
  layers: number,
  m: number,
  cutoff: number,
): number {
  const base: number[] = [];
  const tau: number[] = [];
  const cap: number[] = [];
  for (const r of stages) {
    for (let i = 0; i < r.count; i++) {
      base.push(r.baseSeconds);
      tau.push(r.tauSeconds);
      cap.push(Math.min(layers, r.maxLayers ?? layers));
    }
  }
  base.push(last.baseSeconds);
  tau.push(last.tauSeconds);
  cap.push(Math.min(layers, last.maxLayers ?? layers));
  const pp = base.length;
  if (pp > layers) return Number.POSITIVE_INFINITY;
  const offset: number[] = [];
  let prefix = 0;
  let fixed = 0;
  for (let k = 0; k < pp; k++) {
    offset.push(prefix);
    const one = (base[k] as number) + (tau[k] as number);
    prefix += one;
    fixed += one;
  }
  fixed += (m - 1) * ((base[pp - 1] as number) + (tau[pp - 1] as number));
  const order = Array.from({ length: pp }, (_, k) => k);
  const marginal = (k: number): number => (k === pp - 1 ? m : 1) * (tau[k] as number);
  order.sort((a, b) => marginal(a) - marginal(b));
  // Stage k's layers must satisfy m·(b_k + l·τ_k) + Q_k ≤ t: steps of m·τ_k from Q_k + m·b_k.
  const boxStart = (k: number): number => (offset[k] as number) + m * (base[k] as number);
  const box = (t: number, k: number): number =>
    Math.min(cap[k] as number, wholeSteps(t, boxStart(k), m * (tau[k] as number)));
  /** g(t), or ∞ when the boxes at t cannot hold the layers. */
  const cheapest = (t: number): number => {
    let room = 0;
    for (let k = 0; k < pp; k++) {
      const u = box(t, k);
      if (u < 1) return Number.POSITIVE_INFINITY;
      room += u;
    }
    if (room < layers) return Number.POSITIVE_INFINITY;
    let left = layers - pp;
    let cost = fixed;
    for (const k of order) {
      if (left <= 0) break;
      const take = Math.min(left, box(t, k) - 1);
      cost += take * marginal(k);
      left -= take;
    }
    return cost;
  };
  // Start where every stage fits one layer, no lower than the unboxed g(∞) or the continuous
  // capacity bound Σ_k (t − Q_k − m·b_k)/(m·τ_k) ≥ L.
  let rate = 0;
  let weighted = 0;
  let start = cheapest(Number.POSITIVE_INFINITY);
  for (let k = 0; k < pp; k++) {
    const b = base[k] as number;
    const s = tau[k] as number;
    const o = offset[k] as number;
    rate += 1 / (m * s);
    weighted += (o + m * b) / (m * s);
    start = Math.max(start, o + m * (b + s));
  }
  let t = Math.max(start, (layers + weighted) / rate);
  for (;;) {
    if (t >= cutoff) return t;
    const g = cheapest(t);
    if (g <= t) return t;
    let next = Number.POSITIVE_INFINITY;
    for (let k = 0; k < pp; k++) {
      const u = box(t, k);
      if (u >= (cap[k] as number)) continue;
      next = Math.min(next, nextStep(t, boxStart(k), m * (tau[k] as number)));
    }
    if (g < next) return g; // g is constant on [t, next): the least T there with g(T) ≤ T is g
    t = next;
  }
}

/**
 * Lower bound (seconds) on the simulated 1F1B makespan of a complete pipeline: `stages` are all
 * stages but the last, `last` the last (count 1, LM head in its base). Stage k cannot
 * start before micro-batch 1's forwards reach it and the step cannot end before micro-batch m's
 * backward leaves stage 0, so makespan ≥ m·c_k + Σ_{j<k} c_j for every k (a critical path of
 * simulate.ts's dependencies; Narayanan et al. SC'21 §2.2), relaxed to Q_k for the prefix and
 * combined with k = last in minOneFOneBSeconds. `stages` in pipeline order. With a cut-off, the search may stop at any value
 * ≥ the cut-off that is still a lower bound (callers only ask "below the cut-off?").
 */
export function pipelineStepLowerBound(
  stages: readonly StageRun[],
  last: StageRun,
  layers: number,
  numMicroBatches: number,
  cutoffSeconds = Number.POSITIVE_INFINITY,
): number {
  return minOneFOneBSeconds(stages, last, layers, numMicroBatches, cutoffSeconds);
}

/**
 * Lower bound (seconds) on every completion of a partial pipeline: `required` stages are chosen
 * (the first carries the embedding), each `optional` group may add at most one alternative;
 * `minHeadSeconds` / `minLastSeconds` are the cheapest LM head and head-plus-one-layer any stage
 * could carry. Both terms of pipelineStepLowerBound, relaxed: m·T* with the optional groups at their
 * widest, and Σ_j c_j + (m − 1)·c_last ≥ Σ_required (b + τ) + (L − pp)·τ_min + head + (m − 1)·last.
 */
export function partialPipelineLowerBound(
  required: readonly StageRun[],
  optional: readonly (readonly StageRun[])[],
  layers: number,
  numMicroBatches: number,
  minHeadSeconds: number,
  minLastSeconds: number,
): number {
  const bottleneck = minBottleneckSeconds(required, optional, layers);
  if (!Number.isFinite(bottleneck)) return Number.POSITIVE_INFINITY;
  const stages = required.reduce((a, r) => a + r.count, 0);
  const fastest = Math.min(
    ...[...required, ...optional.flat()].filter((r) => r.count > 0).map((r) => r.tauSeconds),
  );
  const fill =
    required.reduce((a, r) => a + r.count * (r.baseSeconds + r.tauSeconds), 0) +
    Math.max(0, layers - stages) * fastest +
    minHeadSeconds;
  return Math.max(numMicroBatches * bottleneck, fill + (numMicroBatches - 1) * minLastSeconds);
}
