/**
 * A lower bound on a candidate's peak memory per GPU that costs a few multiplications, so the
 * search can reject candidates that cannot fit before queueing them (issue #14: on DeepSeek-V3
 * and Qwen3 almost every candidate the step bound let through failed the memory check).
 *
 * Built from the same terms estimate-memory.ts / rank-memory.ts sum, each kept whole or dropped:
 * for the first and the last pipeline rank (the most micro-batches in flight and the embedding;
 * the LM head and the tied head copy)
 *   peak_r ≥ (S_r + A_r) · (1 + fragmentation) + CUDA context + NCCL buffers
 * with S_r the rank's weights, gradients and optimizer states (dense parameters sharded over
 * dp·cp, routed experts over expert-DP: folded-states.ts) and A_r its in-flight activations plus
 * the backward working layer (or the logits). The framework working buffers are left out (≥ 0),
 * and the larger of the backward and optimizer phases is at least the backward phase without
 * them. So the bound is never above the peak estimate() reports (test/costmodel/memory-bound.test.ts).
 */
import type { ModelGraph } from '../graph/index.js';
import { RECOMPUTE_MODES, SCHEDULE_KINDS } from '../model-spec/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import { closedFormInFlight, usableMemoryBytes } from './estimate-memory.js';
import type { ActivationTerms } from './rank-memory.js';
import { activationTerms, runtimeBytes } from './rank-memory.js';
import { stateBytesPerParameter } from './model-states.js';
import type { ParameterShares } from './parameters.js';
import { parameterShares } from './parameters.js';
import { memoryInputs } from './stage-cost-model.js';
import type { Strategy, TrainingConfig, ZeroStage } from './strategy.js';
import { expertDegrees } from './strategy.js';

/** Relative slack for floating-point summation order (see cannotFit). */
const ROUNDING_SLACK = 1e-9;

/** Room per field of a numeric memo key (each field below 2^16: exact up to 2^53). */
const FIELD = 65536;

/**
 * A numeric memo key of small non-negative integers (each below its room; the product of the
 * rooms stays under 2^53), or their string when one does not fit. Written out per use, without
 * arrays: this runs for every enumerated candidate.
 */
function packed(key: number, fits: boolean, fallback: () => string): number | string {
  return fits ? key : fallback();
}

const fitsIn = (value: number, room: number): boolean =>
  Number.isInteger(value) && value >= 0 && value < room;

/** An enumeration prefix and the choices the loops under it may take (statesCannotFit). */
export interface StatesBoundInput {
  readonly tp: number;
  readonly cp: number;
  readonly pp: number;
  readonly dp: number;
  readonly zeroStages: readonly ZeroStage[];
  readonly expertLayouts: readonly (readonly [number, number])[];
}

/** What one pipeline rank holds, summed over its chunks (rank-memory.ts, parameters.ts). */
interface RankHoldings {
  parameters: number;
  experts: number;
  /** Activations of one micro-batch through the rank's chunks. */
  perMicroBatch: number;
  holdsHead: boolean;
}

/**
 * The bound for one planning call (graph, cluster, training fixed): lower bound on a strategy's
 * peak bytes per GPU, and whether that already exceeds the usable memory. Runs for every
 * enumerated candidate, so its lookups are memoised by numeric keys and nothing is allocated per
 * chunk.
 */
export class MemoryBound {
  private readonly shares = new Map<number | string, ParameterShares>();
  private readonly terms = new Map<number | string, ActivationTerms>();
  private readonly inFlight = new Map<number | string, readonly number[]>();
  private readonly bytesPerParameter = new Map<number | string, number>();
  private readonly moePrefix: number[] = [0];
  /** Multi-token-prediction layers (on the last chunk), and how many of them are MoE. */
  private readonly mtpLayers: number;
  private readonly mtpMoeLayers: number;
  private readonly usable: number;

  constructor(
    private readonly graph: ModelGraph,
    private readonly cluster: ClusterProfile,
    private readonly training: TrainingConfig,
  ) {
    for (const moe of graph.moeLayerMask)
      this.moePrefix.push((this.moePrefix.at(-1) ?? 0) + (moe ? 1 : 0));
    this.usable = usableMemoryBytes(cluster, training);
    this.mtpLayers = graph.mtpLayerMask.length;
    this.mtpMoeLayers = graph.mtpLayerMask.filter(Boolean).length;
  }

  /**
   * True when even the lower bound exceeds the usable memory (a NaN bound claims nothing). The
   * bound can equal the peak (Megatron: no working buffers) summed in another order: a relative
   * slack keeps a candidate that fits to the byte from being rejected by rounding.
   */
  cannotFit(s: Strategy): boolean {
    return this.peakBytes(s) * (1 - ROUNDING_SLACK) > this.usable;
  }

  /** Lower bound on the peak bytes of the strategy's worst GPU (0 when the split is invalid). */
  peakBytes(s: Strategy): number {
    const split = chunkSplit(s, this.graph.spec.numLayers);
    if (split === null) return 0;
    const { ep, etp, edp } = expertDegrees(s);
    const shares = this.parameterShares(s.tp, ep, etp);
    const terms = this.activationTerms(s);
    const inFlight = this.inFlightMicroBatches(s);
    const denseBytes = this.stateBytesPerParameter(s.zeroStage, (s.dpShard ?? s.dp) * s.cp);
    // Experts shard over their share of the shard group (folded-states.ts: edp · dpShard / dp).
    const expertShards = Math.round((edp * (s.dpShard ?? s.dp)) / s.dp);
    const expertBytes = this.stateBytesPerParameter(s.zeroStage, expertShards);
    // The fullest rank holds at least the average states (uneven splits can lighten both ends).
    const pipeline = this.pipelineParameters(s.tp, ep, etp, s.pp);
    const average =
      ((pipeline.all - pipeline.experts) * denseBytes + pipeline.experts * expertBytes) / s.pp;
    let peak = average + runtimeBytes(this.cluster.device.runtimeMemory, s, average);
    const ranks = s.pp === 1 ? 1 : 2;
    for (let i = 0; i < ranks; i++) {
      const r = i === 0 ? 0 : s.pp - 1;
      const held = this.rankHoldings(s, split, r, shares, terms);
      const activations =
        (inFlight[r] ?? 1) * held.perMicroBatch +
        Math.max(held.holdsHead ? terms.logits : 0, terms.workingLayer);
      const states = (held.parameters - held.experts) * denseBytes + held.experts * expertBytes;
      const allocated = states + activations;
      const runtime = runtimeBytes(this.cluster.device.runtimeMemory, s, allocated);
      peak = Math.max(peak, allocated + runtime);
    }
    return peak;
  }

  private parameterShares(tp: number, ep: number, etp: number): ParameterShares {
    const key = packed(
      (tp * FIELD + ep) * FIELD + etp,
      fitsIn(tp, FIELD) && fitsIn(ep, FIELD) && fitsIn(etp, FIELD),
      () => `${tp}|${ep}|${etp}`,
    );
    let found = this.shares.get(key);
    if (found === undefined) {
      found = parameterShares(this.graph, tp, { ep, etp });
      this.shares.set(key, found);
    }
    return found;
  }

  private inFlightMicroBatches(s: Strategy): readonly number[] {
    const schedule = SCHEDULE_KINDS.indexOf(s.schedule);
    const { pp, virtualStages: v, numMicroBatches: m, sequenceSlices: k } = s;
    // 3 + 16 + 7 + 20 + 4 = 50 bits.
    const key = packed(
      (((schedule * FIELD + pp) * 128 + v) * FIELD * 16 + m) * 16 + k,
      fitsIn(pp, FIELD) && fitsIn(v, 128) && fitsIn(m, FIELD * 16) && fitsIn(k, 16),
      () => `${s.schedule}|${pp}|${v}|${m}|${k}`,
    );
    let found = this.inFlight.get(key);
    if (found === undefined) {
      found = closedFormInFlight(s);
      this.inFlight.set(key, found);
    }
    return found;
  }

  private activationTerms(s: Strategy): ActivationTerms {
    const { tp, microBatchSize: b, cp } = s;
    const flags = (s.sequenceParallel ? 4 : 0) + RECOMPUTE_MODES.indexOf(s.recompute);
    // Pinned recompute modules (rare) always take the string key that names them.
    const key = packed(
      ((tp * FIELD + b) * 8 + flags) * FIELD + cp,
      s.recomputeModules === undefined &&
        fitsIn(tp, FIELD) &&
        fitsIn(b, FIELD) &&
        fitsIn(cp, FIELD),
      () => `${tp}|${b}|${flags}|${cp}|${s.recomputeModules?.join(',') ?? ''}`,
    );
    let found = this.terms.get(key);
    if (found === undefined) {
      found = activationTerms(memoryInputs(this.graph, this.cluster, s, this.training));
      this.terms.set(key, found);
    }
    return found;
  }

  /**
   * True when every candidate under an enumeration prefix (tp, cp, pp, dp) cannot fit, whatever
   * ZeRO stage, expert layout and shard group it picks: the pipeline's model states averaged over
   * its pp ranks (the fullest rank holds at least the average), each parameter at the fewest
   * bytes a listed stage and the widest shard group (dp) give it, plus the runtime reserve.
   */
  statesCannotFit(x: StatesBoundInput): boolean {
    return this.statesPeakBytes(x) * (1 - ROUNDING_SLACK) > this.usable;
  }

  /** The bound statesCannotFit compares, bytes (0 when no choice is listed: nothing claimed). */
  statesPeakBytes(x: StatesBoundInput): number {
    let least = Number.POSITIVE_INFINITY;
    for (const [ep, etp] of x.expertLayouts) {
      const held = this.pipelineParameters(x.tp, ep, etp, x.pp);
      const edp = Math.round((x.tp * x.cp * x.dp) / (ep * etp));
      for (const zero of x.zeroStages) {
        const states =
          (held.all - held.experts) * this.stateBytesPerParameter(zero, x.dp * x.cp) +
          held.experts * this.stateBytesPerParameter(zero, edp);
        least = Math.min(least, states / x.pp);
      }
    }
    if (!Number.isFinite(least)) return 0;
    return least + runtimeBytes(this.cluster.device.runtimeMemory, x, least);
  }

  /** Parameters of one GPU of every pipeline rank together, and their routed-expert part. */
  private pipelineParameters(
    tp: number,
    ep: number,
    etp: number,
    pp: number,
  ): { all: number; experts: number } {
    const shares = this.parameterShares(tp, ep, etp);
    const moe = (this.moePrefix.at(-1) ?? 0) + this.mtpMoeLayers;
    const dense = this.graph.spec.numLayers + this.mtpLayers - moe;
    // parameters.ts chunkParameterSplit summed over all chunks (a tied head copy when pipelined).
    const all =
      dense * shares.layer +
      moe * shares.moeLayer +
      shares.pre +
      shares.post +
      (pp > 1 ? shares.tiedHeadCopy : 0);
    return { all, experts: moe * shares.moeLayerExperts };
  }

  /** Weights + gradients + optimizer bytes per parameter sharded over d (model-states.ts). */
  private stateBytesPerParameter(zeroStage: ZeroStage, d: number): number {
    const shards = Math.max(1, d);
    const key = packed(shards * 4 + zeroStage, fitsIn(shards, FIELD * FIELD), () =>
      String([zeroStage, shards]),
    );
    let found = this.bytesPerParameter.get(key);
    if (found === undefined) {
      const b = stateBytesPerParameter(
        this.training.framework,
        this.training.precision,
        zeroStage,
        shards,
        this.training.gradientReduceInFp32 ?? true,
        this.training.fsdpParameterDtype ?? 'fp32',
      );
      found = b.weights + b.gradients + b.optimizer;
      this.bytesPerParameter.set(key, found);
    }
    return found;
  }

  /** Parameters, experts and per-micro-batch activations of rank r (stages.ts chunk order). */
  private rankHoldings(
    s: Strategy,
    split: readonly number[],
    r: number,
    shares: ParameterShares,
    terms: ActivationTerms,
  ): RankHoldings {
    const held: RankHoldings = { parameters: 0, experts: 0, perMicroBatch: 0, holdsHead: false };
    const starts = layerStarts(split);
    const last = split.length - 1;
    // stages.ts chunkRank: rank r runs chunks r, r + pp, … (zb-v: r and 2pp − 1 − r).
    const vShape = s.schedule === 'zb-v';
    const step = vShape ? 2 * s.pp - 1 - 2 * r : s.pp;
    for (let k = r, c = 0; k <= last; k += step, c++) {
      if (vShape && c === 2) break;
      const decoder = split[k] ?? 0;
      const first = starts[k] ?? 0;
      // stages.ts chunkLayouts: the multi-token-prediction layers join the last chunk.
      const mtp = k === last ? this.mtpLayers : 0;
      const layers = decoder + mtp;
      const moe =
        (this.moePrefix[first + decoder] ?? 0) -
        (this.moePrefix[first] ?? 0) +
        (k === last ? this.mtpMoeLayers : 0);
      // parameters.ts chunkParameterSplit
      held.parameters += (layers - moe) * shares.layer + moe * shares.moeLayer;
      held.experts += moe * shares.moeLayerExperts;
      if (k === 0) held.parameters += shares.pre;
      if (k === last) held.parameters += shares.post + (last > 0 ? shares.tiedHeadCopy : 0);
      held.holdsHead ||= k === last;
      // rank-memory.ts chunkActivationBytes
      const recomputed = s.recompute === 'full' ? Math.min(layers, s.recomputeLayers ?? layers) : 0;
      held.perMicroBatch +=
        recomputed * terms.checkpointedPerLayer + (layers - recomputed) * terms.storedPerLayer;
      if (k === 0) held.perMicroBatch += terms.embedding;
      if (step <= 0) break;
    }
    return held;
  }
}

const layerStartsMemo = new WeakMap<readonly number[], number[]>();
/** First layer of each chunk, per split array (the enumeration reuses its split arrays). */
function layerStarts(split: readonly number[]): readonly number[] {
  let found = layerStartsMemo.get(split);
  if (found === undefined) {
    found = [];
    let first = 0;
    for (const layers of split) {
      found.push(first);
      first += layers;
    }
    layerStartsMemo.set(split, found);
  }
  return found;
}

/** Layers of chunk k (even split, or the strategy's own); null when the split is invalid. */
function chunkSplit(s: Strategy, numLayers: number): readonly number[] | null {
  const chunks = s.pp * s.virtualStages;
  if (s.layersPerStage !== null)
    return s.layersPerStage.length === chunks ? s.layersPerStage : null;
  if (numLayers % chunks !== 0) return null;
  return evenSplit(numLayers / chunks, chunks);
}

const evenSplits = new Map<number, number[]>();
/** An even split, shared between calls (read-only). */
function evenSplit(layers: number, chunks: number): readonly number[] {
  const key = layers * FIELD + chunks;
  let found = evenSplits.get(key);
  if (found === undefined) {
    found = Array.from({ length: chunks }, () => layers);
    evenSplits.set(key, found);
  }
  return found;
}

/** The memory bound of one planning call (see MemoryBound). */
export function createMemoryBound(
  graph: ModelGraph,
  cluster: ClusterProfile,
  training: TrainingConfig,
): MemoryBound {
  return new MemoryBound(graph, cluster, training);
}
