/**
 * Model graph types: what is being trained (STYLE.md §1, "ModelGraph").
 *
 * Glossary: "layer" = one transformer block; "op" = one node of the operator graph;
 * quantities are per sequence of `sequenceLength` tokens unless the name says otherwise.
 */
import type { Graph } from '@dagrejs/graphlib';
import type { TransformerSpec } from '../model-spec/index.js';

/** Operator kinds of the layered transformer graph. */
export type OpKind =
  | 'embedding'
  | 'norm'
  | 'qkv-proj'
  | 'attention-scores'
  | 'attention-softmax'
  | 'attention-context'
  | 'out-proj'
  | 'residual-add'
  | 'mlp-up'
  | 'mlp-gate'
  | 'mlp-activation'
  | 'mlp-down'
  | 'lm-head'
  | 'loss';

/** How tensor parallelism (Megatron, Shoeybi 2019 §3) splits an op across the TP group. */
export type TensorParallelSplit =
  /** Output features split (column-parallel linear): work and weights divided by tp. */
  | 'column'
  /** Input features split (row-parallel linear): work and weights divided by tp, all-reduce after. */
  | 'row'
  /** Attention heads split: work divided by tp. */
  | 'heads'
  /** Vocabulary split (VocabParallelEmbedding / parallel cross-entropy). */
  | 'vocab'
  /** Replicated on every TP rank (norms, residual adds); sequence parallelism divides it by tp. */
  | 'replicated';

/** A GEMM shape for one sequence: [m x k] · [k x n]; m is tokens (or query rows per head). */
export interface MatmulShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Independent GEMMs of this shape (e.g. one per attention head). */
  readonly batch: number;
}

export interface OpNode {
  readonly id: string;
  readonly kind: OpKind;
  /** Transformer layer index, or null for embedding / LM head / loss. */
  readonly layerIndex: number | null;
  readonly tensorParallel: TensorParallelSplit;
  /** Forward FLOPs for one sequence (multiply-add = 2 FLOPs). */
  readonly forwardFlops: number;
  /** Present for matmul-like ops; drives the size-dependent efficiency curve. */
  readonly matmul: MatmulShape | null;
  /** Bytes read + written by the forward pass of a memory-bound op (roofline), one sequence. */
  readonly forwardMemoryBytes: number;
  readonly parameterCount: number;
}

/** The per-layer and whole-model totals the cost model needs. */
export interface ParameterCounts {
  readonly embedding: number;
  readonly perLayer: number;
  /** LM head (0 when tied) plus the final norm. */
  readonly head: number;
  readonly total: number;
}

export interface ModelGraph {
  readonly spec: TransformerSpec;
  readonly sequenceLength: number;
  /**
   * graphlib DAG: graph label = spec name, node id -> OpNode, edge label = the tensor carried
   * ('hidden' or 'residual'); `ops` lists the nodes in topological order. graphlib's generics are
   * <GraphLabel, NodeLabel, EdgeLabel>, so the node label is the second parameter.
   */
  readonly graph: Graph<string, OpNode, string>;
  /** Every op in topological order. */
  readonly ops: readonly OpNode[];
  /** Ops of one representative transformer layer (all layers are identical). */
  readonly layerOps: readonly OpNode[];
  /** Embedding-side ops (before layer 0). */
  readonly preOps: readonly OpNode[];
  /** Head-side ops (after the last layer): final norm, LM head, loss. */
  readonly postOps: readonly OpNode[];
  readonly parameters: ParameterCounts;
}
