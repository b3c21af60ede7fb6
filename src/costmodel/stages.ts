/**
 * Pipeline layout: which transformer layers, and which of the embedding / LM head, each pipeline
 * chunk holds, and which chunks each pipeline rank runs.
 *
 * Chunk (model stage) index k = c·pp + r for chunk c ∈ [0, v) of rank r ∈ [0, pp): Megatron's
 * interleaved assignment (Narayanan et al. SC'21 §2.2.2). Chunk 0 holds the embedding; the last
 * chunk (on rank pp−1) holds the final norm, LM head and loss.
 */
import type { Strategy } from './strategy.js';
import { PlanningError } from './errors.js';

export interface ChunkLayout {
  readonly index: number;
  readonly rank: number;
  readonly layers: number;
  readonly hasEmbedding: boolean;
  readonly hasLmHead: boolean;
  /**
   * MoE layers among this chunk's layers (isMoeLayer of the spec). Absent when a caller builds
   * chunks by hand: the cost model then assumes the model's average share.
   */
  readonly moeLayers?: number;
}

/** Even split of numLayers over numChunks; throws when it does not divide. */
export function evenLayerSplit(numLayers: number, numChunks: number): number[] {
  if (numLayers % numChunks !== 0) {
    throw new PlanningError(
      'layers-not-divisible',
      `${numLayers} layers do not divide evenly into pp×virtualStages=${numChunks} chunks; give layersPerStage explicitly`,
      'strategy.pipelineParallel',
      { numLayers, numChunks },
    );
  }
  return Array.from({ length: numChunks }, () => numLayers / numChunks);
}

/** Resolve and check the per-chunk layer counts of a strategy. */
export function layersPerChunk(strategy: Strategy, numLayers: number): number[] {
  const numChunks = strategy.pp * strategy.virtualStages;
  if (strategy.layersPerStage === null) return evenLayerSplit(numLayers, numChunks);
  const split = [...strategy.layersPerStage];
  const total = split.reduce((a, b) => a + b, 0);
  if (
    split.length !== numChunks ||
    total !== numLayers ||
    split.some((n) => !Number.isInteger(n) || n < 0)
  ) {
    throw new PlanningError(
      'invalid-strategy',
      `layersPerStage must list ${numChunks} non-negative integers summing to ${numLayers} layers (got [${split.join(', ')}], sum ${total})`,
      'strategy.layersPerStage',
    );
  }
  return split;
}

/**
 * Rank that runs chunk k: k mod pp (Megatron interleaving), except zb-v's V-shape where rank r
 * holds chunks r and 2pp − 1 − r (Qi et al. 2024, "Pipeline Parallelism with Controllable
 * Memory", §3).
 */
export function chunkRank(strategy: Strategy, chunk: number): number {
  if (strategy.schedule === 'zb-v' && chunk >= strategy.pp) return 2 * strategy.pp - 1 - chunk;
  return chunk % strategy.pp;
}

/**
 * The chunks of a strategy in pipeline order. With `moeLayerMask` (one flag per layer, the
 * graph's), each chunk also counts its MoE layers: chunk k holds the layers after those of
 * chunks 0..k−1. Multi-token-prediction layers (`mtpLayerMask`, the graph's) join the last chunk,
 * beside the LM head they share: Megatron builds the MTP block on the post-process stage (GPTModel
 * mtp_process; Megatron-Bridge DeepSeek-V3 layouts end "…t, mtp, loss").
 */
export function chunkLayouts(
  strategy: Strategy,
  numLayers: number,
  moeLayerMask?: readonly boolean[],
  mtpLayerMask: readonly boolean[] = [],
): ChunkLayout[] {
  const split = layersPerChunk(strategy, numLayers);
  const last = split.length - 1;
  const mtpMoe = mtpLayerMask.filter(Boolean).length;
  let first = 0;
  return split.map((decoderLayers, index) => {
    const mtp = index === last ? mtpLayerMask.length : 0;
    const moeLayers =
      moeLayerMask === undefined
        ? undefined
        : moeLayerMask.slice(first, first + decoderLayers).filter(Boolean).length +
          (index === last ? mtpMoe : 0);
    first += decoderLayers;
    const layers = decoderLayers + mtp;
    return {
      index,
      rank: chunkRank(strategy, index),
      layers,
      hasEmbedding: index === 0,
      hasLmHead: index === last,
      ...(moeLayers === undefined ? {} : { moeLayers }),
    };
  });
}

/** Chunks grouped by pipeline rank, in execution order (chunk 0 of the rank first). */
export function chunksByRank(chunks: readonly ChunkLayout[], pp: number): ChunkLayout[][] {
  const byRank: ChunkLayout[][] = Array.from({ length: pp }, () => []);
  for (const chunk of chunks) byRank[chunk.rank]?.push(chunk);
  return byRank;
}

/**
 * A key equal for two chunk lists exactly when every cost and memory formula prices them the
 * same: each chunk's layer count and whether it holds the embedding or the LM head, in order.
 */
export function chunksSignature(chunks: readonly ChunkLayout[]): string {
  let key = '';
  for (const c of chunks)
    key += `${c.layers}${c.moeLayers === undefined ? '' : `m${c.moeLayers}`}${c.hasEmbedding ? 'e' : ''}${c.hasLmHead ? 'h' : ''},`;
  return key;
}
