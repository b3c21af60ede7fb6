/** Parameters held by one GPU of a pipeline chunk, before any ZeRO sharding. */
import type { ModelGraph, OpNode } from '../graph/index.js';
import type { ChunkLayout } from './stages.js';

/** Parameters of `ops` one TP rank holds: split ops contribute 1/tp, replicated ones (norms) all. */
export function opParametersPerTensorRank(ops: readonly OpNode[], tp: number): number {
  let total = 0;
  for (const op of ops) {
    total += op.tensorParallel === 'replicated' ? op.parameterCount : op.parameterCount / tp;
  }
  return total;
}

/** Per-TP-rank parameter counts of one layer, the embedding side, the head side, and a tied head copy. */
export interface ParameterShares {
  readonly layer: number;
  readonly pre: number;
  readonly post: number;
  /** Word-embedding copy the last chunk keeps for a tied LM head when pipelined. */
  readonly tiedHeadCopy: number;
}

export function parameterShares(graph: ModelGraph, tp: number): ParameterShares {
  return {
    layer: opParametersPerTensorRank(graph.layerOps, tp),
    pre: opParametersPerTensorRank(graph.preOps, tp),
    post: opParametersPerTensorRank(graph.postOps, tp),
    tiedHeadCopy: graph.spec.tiedEmbeddings
      ? (graph.spec.vocabSize * graph.spec.hiddenSize) / tp
      : 0,
  };
}

/** Parameters of the whole model (one copy; a tied LM head counted once). */
export function totalParameters(graph: ModelGraph): number {
  const shares = parameterShares(graph, 1);
  return shares.layer * graph.spec.numLayers + shares.pre + shares.post;
}

/**
 * Parameters of one chunk on one TP rank. With tied embeddings and more than one pipeline chunk
 * the last chunk keeps its own copy of the word embedding for the LM head, as Megatron-LM does
 * (megatron/core/models/common/language_module: "share_embeddings_and_output_weights").
 */
export function chunkParametersPerGpu(
  chunk: ChunkLayout,
  shares: ParameterShares,
  numChunks: number,
): number {
  let total = chunk.layers * shares.layer;
  if (chunk.hasEmbedding) total += shares.pre;
  if (chunk.hasLmHead) total += shares.post + (numChunks > 1 ? shares.tiedHeadCopy : 0);
  return total;
}
