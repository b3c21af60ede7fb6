/** Parameters held by one GPU of a pipeline chunk, before any ZeRO sharding. */
import type { ModelGraph, OpNode } from '../graph/types.js';
import type { ChunkLayout } from './stages.js';

/** Parameters of `ops` one TP rank holds: split ops contribute 1/tp, replicated ones (norms) all. */
export function opParametersPerTensorRank(ops: readonly OpNode[], tp: number): number {
  let total = 0;
  for (const op of ops) {
    total += op.tensorParallel === 'replicated' ? op.parameterCount : op.parameterCount / tp;
  }
  return total;
}

/**
 * Parameters of one chunk on one TP rank. With tied embeddings and more than one pipeline chunk
 * the last chunk keeps its own copy of the word embedding for the LM head, as Megatron-LM does
 * (megatron/core/models/common/language_module: "share_embeddings_and_output_weights").
 */
export function chunkParametersPerGpu(
  graph: ModelGraph,
  chunk: ChunkLayout,
  tp: number,
  numChunks: number,
): number {
  let total = chunk.layers * opParametersPerTensorRank(graph.layerOps, tp);
  if (chunk.hasEmbedding) total += opParametersPerTensorRank(graph.preOps, tp);
  if (chunk.hasLmHead) {
    total += opParametersPerTensorRank(graph.postOps, tp);
    if (graph.spec.tiedEmbeddings && numChunks > 1) {
      total += (graph.spec.vocabSize * graph.spec.hiddenSize) / tp;
    }
  }
  return total;
}
