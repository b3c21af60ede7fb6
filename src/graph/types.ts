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
  | 'loss'
  /** MoE router: h → E logits (Megatron TopKRouter), then top-k selection. */
  | 'router'
  /** Token permutation before the experts: each token copied to its k experts' rows. */
  | 'moe-permute'
  /** Un-permutation after the experts: k rows weighted by their router probabilities and summed. */
  | 'moe-unpermute';

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
  | 'replicated'
  /**
   * Routed-expert work: under MoE parallel folding each GPU computes its share of the tokens
   * routed to its local experts (1/tp of the micro-batch's tokens under balance, whatever EP);
   * weights split by ep × etp (Megatron MoE parallel folding, arXiv 2504.14960 §3).
   */
  | 'expert';

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
  /** One dense layer (attention + dense MLP); of layer 0 when every layer is MoE. */
  readonly perLayer: number;
  /** One MoE layer (attention + router + routed and shared experts); 0 for dense models. */
  readonly perMoeLayer: number;
  /** Parameters one token passes through: MoE layers count top-k routed + shared experts. */
  readonly active: number;
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
  /** Ops of layer 0 (for dense models: every layer; kept for callers that need one layer). */
  readonly layerOps: readonly OpNode[];
  /** Ops of one dense layer, or null when every layer is MoE. Dense layers are identical. */
  readonly denseLayerOps: readonly OpNode[] | null;
  /** Ops of one MoE layer, or null for a dense model. MoE layers are identical. */
  readonly moeLayerOps: readonly OpNode[] | null;
  /** moeLayerMask[i]: transformer layer i has an MoE MLP (isMoeLayer of the spec). */
  readonly moeLayerMask: readonly boolean[];
  /** Embedding-side ops (before layer 0). */
  readonly preOps: readonly OpNode[];
  /**
   * Head-side ops (after the last layer): final norm, LM head, loss; then, per multi-token-
   * prediction depth, its norms, 2h → h projection, final norm, shared-head pass and loss.
   */
  readonly postOps: readonly OpNode[];
  /**
   * One entry per multi-token-prediction depth (spec.mtpLayers; empty without MTP): whether its
   * transformer layer has an MoE MLP. Those layers run on the pipeline chunk holding the LM head.
   */
  readonly mtpLayerMask: readonly boolean[];
  readonly parameters: ParameterCounts;
}
