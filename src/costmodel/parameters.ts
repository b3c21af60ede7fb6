/**
 * Parameters held by one GPU of a pipeline chunk, before any ZeRO sharding. Dense parameters are
 * split by tensor parallelism (replicated ones, like norms, held whole); routed-expert parameters
 * are split by expert parallelism × expert tensor parallelism (MoE parallel folding, Megatron
 * PR #4687's three groups: TP-sharded, replicated, routed experts ÷ ETP·EP).
 */
import type { ModelGraph, OpNode } from '../graph/index.js';
import type { ChunkLayout } from './stages.js';

/** Expert-parallel split of routed experts (1 × 1 for dense models). */
export interface ExpertSplit {
  readonly ep: number;
  readonly etp: number;
}

export const NO_EXPERT_SPLIT: ExpertSplit = { ep: 1, etp: 1 };

/** Parameters of `ops` one rank holds: split ops 1/tp, expert ops 1/(ep·etp), replicated all. */
export function opParametersPerTensorRank(
  ops: readonly OpNode[],
  tp: number,
  experts: ExpertSplit = NO_EXPERT_SPLIT,
): number {
  let total = 0;
  for (const op of ops) total += opParameters(op, tp, experts);
  return total;
}

function opParameters(op: OpNode, tp: number, experts: ExpertSplit): number {
  switch (op.tensorParallel) {
    case 'replicated':
      return op.parameterCount;
    case 'expert':
      return op.parameterCount / (experts.ep * experts.etp);
    case 'column':
    case 'row':
    case 'heads':
    case 'vocab':
      return op.parameterCount / tp;
  }
}

/** Routed-expert parameters of `ops` one rank holds (sharded over the expert-data-parallel group). */
function expertParameters(ops: readonly OpNode[] | null, experts: ExpertSplit): number {
  if (ops === null) return 0;
  return ops
    .filter((op) => op.tensorParallel === 'expert')
    .reduce((t, op) => t + op.parameterCount / (experts.ep * experts.etp), 0);
}

/**
 * Per-rank parameter counts of one dense layer, one MoE layer (all of it, and its routed-expert
 * part), the embedding side, the head side, and a tied head copy.
 */
export interface ParameterShares {
  readonly layer: number;
  readonly moeLayer: number;
  /** The routed-expert part of moeLayer (its states are sharded over expert-DP). */
  readonly moeLayerExperts: number;
  readonly pre: number;
  readonly post: number;
  /** Word-embedding copy the last chunk keeps for a tied LM head or for MTP when pipelined. */
  readonly tiedHeadCopy: number;
}

export function parameterShares(
  graph: ModelGraph,
  tp: number,
  experts: ExpertSplit = NO_EXPERT_SPLIT,
): ParameterShares {
  const dense = graph.denseLayerOps ?? graph.layerOps;
  return {
    layer: opParametersPerTensorRank(dense, tp, experts),
    moeLayer:
      graph.moeLayerOps === null ? 0 : opParametersPerTensorRank(graph.moeLayerOps, tp, experts),
    moeLayerExperts: expertParameters(graph.moeLayerOps, experts),
    pre: opParametersPerTensorRank(graph.preOps, tp),
    post: opParametersPerTensorRank(graph.postOps, tp),
    // A tied head keeps a word-embedding copy on the last chunk; so does multi-token prediction,
    // which embeds the shifted tokens there (Megatron GPTModel: "if self.pre_process or
    // self.mtp_process: self.embedding = LanguageModelEmbedding(...)").
    tiedHeadCopy:
      graph.spec.tiedEmbeddings || graph.mtpLayerMask.length > 0
        ? (graph.spec.vocabSize * graph.spec.hiddenSize) / tp
        : 0,
  };
}

/** MoE layers among all layers of the model (0 for dense models). */
export function numMoeLayers(graph: ModelGraph): number {
  return graph.moeLayerMask.reduce((n, moe) => n + (moe ? 1 : 0), 0);
}

/** Parameters of the whole model (one copy; a tied LM head counted once). */
export function totalParameters(graph: ModelGraph): number {
  return graph.parameters.total;
}

/**
 * MoE layers of a chunk: exact when the layout says (chunkLayouts counts them from the spec), else
 * the model's average share (callers that build chunks by hand, e.g. the heterogeneous planner).
 */
export function chunkMoeLayers(chunk: ChunkLayout, graph: ModelGraph): number {
  if (chunk.moeLayers !== undefined) return chunk.moeLayers;
  const total = numMoeLayers(graph);
  return total === 0 ? 0 : (chunk.layers * total) / graph.spec.numLayers;
}

/** Parameters of one chunk on one GPU: all of them, and the routed-expert part. */
export interface ChunkParameters {
  readonly total: number;
  readonly experts: number;
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
  moeLayers = chunk.moeLayers ?? 0,
): number {
  return chunkParameterSplit(chunk, shares, numChunks, moeLayers).total;
}

/** chunkParametersPerGpu with the routed-expert part broken out. */
export function chunkParameterSplit(
  chunk: ChunkLayout,
  shares: ParameterShares,
  numChunks: number,
  moeLayers: number,
): ChunkParameters {
  let total = (chunk.layers - moeLayers) * shares.layer + moeLayers * shares.moeLayer;
  if (chunk.hasEmbedding) total += shares.pre;
  if (chunk.hasLmHead) total += shares.post + (numChunks > 1 ? shares.tiedHeadCopy : 0);
  return { total, experts: moeLayers * shares.moeLayerExperts };
}
