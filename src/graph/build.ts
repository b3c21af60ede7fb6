/**
 * Builds the layered operator graph of a decoder-only transformer, dense or mixture-of-experts
 * (pure). MoE layers replace the MLP by router → permute → experts → unpermute (+ shared
 * experts); MLA layers replace fused QKV by latent down/up projections (ops-moe.ts).
 *
 *   embedding → [layer 0] → … → [layer l−1] → final-norm → lm-head → loss
 *   layer i:  x → attn-norm → qkv-proj → attention-scores → attention-softmax → attention-context
 *               → out-proj → residual-add(+x) = y → mlp-norm → mlp-up (‖ mlp-gate) → mlp-activation
 *               → mlp-down → residual-add(+y)
 */
import { Graph } from '@dagrejs/graphlib';
import { ModelInputError, isMoeLayer, validateTransformerSpec } from '../model-spec/index.js';
import { attentionOps, embeddingOp, headOps, mlpOps, normOp, residualAddOp } from './ops.js';
import { mlaAttentionOps, routedExpertOps, sharedExpertOps } from './ops-moe.js';
import { mtpInputOps, mtpOutputOps } from './ops-mtp.js';
import type { ModelGraph, OpNode, ParameterCounts } from './types.js';
import type { TransformerSpec } from '../model-spec/index.js';

type ModelGraphDag = Graph<string, OpNode, string>;

/** Adds op with an edge from each input; returns the op id for chaining. */
function addOp(
  graph: ModelGraphDag,
  op: OpNode,
  inputs: readonly string[],
  tensor = 'hidden',
): string {
  graph.setNode(op.id, op);
  for (const input of inputs) graph.setEdge(input, op.id, tensor);
  return op.id;
}

/** Adds `ops` one after another from `input`; returns the last id. */
function addChain(graph: ModelGraphDag, ops: readonly OpNode[], input: string): string {
  let last = input;
  for (const op of ops) last = addOp(graph, op, [last]);
  return last;
}

/** MLP ops of a dense layer, wired as before: up (‖ gate) read the norm, activation reads them. */
function addDenseMlp(graph: ModelGraphDag, mlp: readonly OpNode[], normId: string): string[] {
  const projections = mlp.filter((op) => op.kind === 'mlp-up' || op.kind === 'mlp-gate');
  for (const op of projections) addOp(graph, op, [normId]);
  const rest = mlp.filter((op) => op.kind === 'mlp-activation' || op.kind === 'mlp-down');
  let inputs: readonly string[] = projections.map((op) => op.id);
  for (const op of rest) inputs = [addOp(graph, op, inputs)];
  return [...inputs];
}

/** The attention ops of layer `layer`: MLA when the spec has it, else fused-QKV MHA/GQA. */
function layerAttentionOps(spec: TransformerSpec, s: number, layer: number): OpNode[] {
  return spec.mla === undefined
    ? attentionOps(spec, s, layer)
    : mlaAttentionOps(spec, spec.mla, s, layer);
}

/**
 * Ops of layer `layer` in topological order, wired into `graph` after `input`; its MLP is MoE
 * when layer `kindOf` is (an MTP layer is shaped like the last main layer).
 */
function addLayer(
  graph: ModelGraphDag,
  spec: TransformerSpec,
  s: number,
  layer: number,
  input: string,
  kindOf = layer,
): OpNode[] {
  const attnNorm = normOp(spec, s, `layer${layer}.attn-norm`, layer);
  const attention = layerAttentionOps(spec, s, layer);
  const attnAdd = residualAddOp(spec, s, `layer${layer}.attn-residual-add`, layer);
  const mlpNorm = normOp(spec, s, `layer${layer}.mlp-norm`, layer);
  const moe = spec.moe !== undefined && isMoeLayer(spec, kindOf) ? spec.moe : null;
  const mlp =
    moe === null
      ? mlpOps(spec, s, layer)
      : [...routedExpertOps(spec, moe, s, layer), ...sharedExpertOps(spec, moe, s, layer)];
  const mlpAdd = residualAddOp(spec, s, `layer${layer}.mlp-residual-add`, layer);

  const last = addChain(graph, attention, addOp(graph, attnNorm, [input]));
  addOp(graph, attnAdd, [last]);
  graph.setEdge(input, attnAdd.id, 'residual');
  const normId = addOp(graph, mlpNorm, [attnAdd.id]);
  const mlpOut = moe === null ? addDenseMlp(graph, mlp, normId) : [addChain(graph, mlp, normId)];
  addOp(graph, mlpAdd, mlpOut);
  graph.setEdge(attnAdd.id, mlpAdd.id, 'residual');
  return [attnNorm, ...attention, attnAdd, mlpNorm, ...mlp, mlpAdd];
}

const sum = (ops: readonly OpNode[]): number => ops.reduce((t, op) => t + op.parameterCount, 0);

/** Parameters a token passes through in an MoE layer: top-k of the routed experts. */
function activeParameters(ops: readonly OpNode[], spec: TransformerSpec): number {
  const moe = spec.moe;
  return ops.reduce(
    (t, op) =>
      t +
      (op.tensorParallel === 'expert' && moe !== undefined
        ? (op.parameterCount * moe.topK) / moe.numExperts
        : op.parameterCount),
    0,
  );
}

/**
 * Parameter totals: embedding (incl. learned positions) + dense layers · perLayer + MoE layers ·
 * perMoeLayer + head (LM head, 0 when tied, plus final norm). For a GPT (tied, learned positions,
 * layernorm, biases, f = 4h) this is 12lh² + 13lh + (V + P)h + 2h, i.e. Narayanan et al. 2021
 * eq. 2 plus the final norm's 2h. Active parameters count each MoE layer's routed experts k/E.
 */
function parameterCounts(
  spec: TransformerSpec,
  pre: OpNode[],
  dense: readonly OpNode[] | null,
  moe: readonly OpNode[] | null,
  post: OpNode[],
  numMoeLayers: number,
  mtpLayerMask: readonly boolean[],
): ParameterCounts {
  const embedding = sum(pre);
  const perLayer = sum(dense ?? moe ?? []);
  const perMoeLayer = moe === null ? 0 : sum(moe);
  const head = sum(post);
  // MTP layers count with the main layers of their kind (head already holds the MTP extras).
  const mtpMoe = mtpLayerMask.filter(Boolean).length;
  const numDense = spec.numLayers - numMoeLayers + mtpLayerMask.length - mtpMoe;
  const moeLayers = numMoeLayers + mtpMoe;
  const denseTotal = numDense * (dense === null ? 0 : sum(dense));
  const moeActive = moe === null ? 0 : activeParameters(moe, spec);
  return {
    embedding,
    perLayer,
    perMoeLayer,
    active: embedding + denseTotal + moeLayers * moeActive + head,
    head,
    total: embedding + denseTotal + moeLayers * perMoeLayer + head,
  };
}

/**
 * Build the operator graph for one sequence of `sequenceLength` tokens.
 * @param spec validated here (ModelInputError on a bad field)
 * @param sequenceLength tokens per sequence, s
 * @returns ModelGraph with per-op forward FLOPs, GEMM shapes, memory bytes and parameter counts
 * @see Narayanan et al. 2021 (SC'21) eq. 2 (parameters) and eq. 3 (FLOPs); Korthikanti et al. 2022 §4
 */
export function buildModelGraph(spec: TransformerSpec, sequenceLength: number): ModelGraph {
  validateTransformerSpec(spec);
  if (!Number.isSafeInteger(sequenceLength) || sequenceLength <= 0) {
    throw new ModelInputError(
      'sequenceLength',
      `must be a positive integer, got ${String(sequenceLength)}`,
    );
  }
  const s = sequenceLength;
  const graph: ModelGraphDag = new Graph<string, OpNode, string>({ directed: true });
  graph.setGraph(spec.name);

  const preOps = [embeddingOp(spec, s)];
  let last = '';
  for (const op of preOps) last = addOp(graph, op, []);
  const ops: OpNode[] = [...preOps];
  let layerOps: OpNode[] = [];
  let denseLayerOps: OpNode[] | null = null;
  let moeLayerOps: OpNode[] | null = null;
  const moeLayerMask: boolean[] = [];
  for (let layer = 0; layer < spec.numLayers; layer += 1) {
    const added = addLayer(graph, spec, s, layer, last);
    const moe = isMoeLayer(spec, layer);
    moeLayerMask.push(moe);
    if (layer === 0) layerOps = added;
    if (moe) moeLayerOps ??= added;
    else denseLayerOps ??= added;
    ops.push(...added);
    last = added[added.length - 1]?.id ?? last;
  }
  const hidden = last;
  const postOps = [normOp(spec, s, 'final-norm', null), ...headOps(spec, s)];
  for (const op of postOps) last = addOp(graph, op, [last]);
  ops.push(...postOps);
  const mtpLayerMask = addMtpDepths(graph, spec, s, hidden, postOps, ops);

  return {
    spec,
    sequenceLength: s,
    graph,
    ops,
    layerOps,
    denseLayerOps,
    moeLayerOps,
    moeLayerMask,
    preOps,
    postOps,
    parameters: parameterCounts(
      spec,
      preOps,
      denseLayerOps,
      moeLayerOps,
      postOps,
      moeLayerMask.filter(Boolean).length,
      mtpLayerMask,
    ),
    mtpLayerMask,
  };
}

/**
 * Multi-token-prediction depths (ops-mtp.ts): each reads the embedding and the previous depth's
 * hidden state, runs one transformer layer shaped like the last main layer (Megatron's
 * get_gpt_mtp_block_spec takes the decoder's last layer spec) and its own pass through the shared
 * head. The ops around each layer join `postOps` (the last pipeline chunk runs them); the layers
 * themselves are counted by the returned mask (true = MoE layer), one entry per depth.
 */
function addMtpDepths(
  graph: ModelGraphDag,
  spec: TransformerSpec,
  s: number,
  mainHidden: string,
  postOps: OpNode[],
  ops: OpNode[],
): boolean[] {
  const mask: boolean[] = [];
  let hidden = mainHidden;
  const lastMain = spec.numLayers - 1;
  for (let depth = 0; depth < (spec.mtpLayers ?? 0); depth++) {
    const [enorm, hnorm, projection] = mtpInputOps(spec, s, depth);
    if (enorm === undefined || hnorm === undefined || projection === undefined) break;
    addOp(graph, enorm, ['embedding']);
    addOp(graph, hnorm, [hidden]);
    addOp(graph, projection, [enorm.id, hnorm.id]);
    const layer = addLayer(graph, spec, s, spec.numLayers + depth, projection.id, lastMain);
    hidden = layer[layer.length - 1]?.id ?? projection.id;
    const output = mtpOutputOps(spec, s, depth);
    addChain(graph, output, hidden);
    postOps.push(enorm, hnorm, projection, ...output);
    ops.push(enorm, hnorm, projection, ...layer, ...output);
    mask.push(isMoeLayer(spec, lastMain));
  }
  return mask;
}
