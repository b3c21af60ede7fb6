/**
 * Builds the layered operator graph of a dense decoder-only transformer (pure).
 *
 *   embedding → [layer 0] → … → [layer l−1] → final-norm → lm-head → loss
 *   layer i:  x → attn-norm → qkv-proj → attention-scores → attention-softmax → attention-context
 *               → out-proj → residual-add(+x) = y → mlp-norm → mlp-up (‖ mlp-gate) → mlp-activation
 *               → mlp-down → residual-add(+y)
 */
import { Graph } from '@dagrejs/graphlib';
import { ModelInputError } from '../model-spec/errors.js';
import { attentionOps, embeddingOp, headOps, mlpOps, normOp, residualAddOp } from './ops.js';
import { validateTransformerSpec } from '../model-spec/validate.js';
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

/** Ops of layer `layer` in topological order, wired into `graph` after `input`. */
function addLayer(
  graph: ModelGraphDag,
  spec: TransformerSpec,
  s: number,
  layer: number,
  input: string,
): OpNode[] {
  const attnNorm = normOp(spec, s, `layer${layer}.attn-norm`, layer);
  const [qkv, scores, softmax, context, outProj] = attentionOps(spec, s, layer);
  const attnAdd = residualAddOp(spec, s, `layer${layer}.attn-residual-add`, layer);
  const mlpNorm = normOp(spec, s, `layer${layer}.mlp-norm`, layer);
  const mlp = mlpOps(spec, s, layer);
  const mlpAdd = residualAddOp(spec, s, `layer${layer}.mlp-residual-add`, layer);
  if (!qkv || !scores || !softmax || !context || !outProj)
    throw new Error('attentionOps: 5 ops expected');

  let last = addOp(graph, attnNorm, [input]);
  for (const op of [qkv, scores, softmax, context, outProj]) last = addOp(graph, op, [last]);
  addOp(graph, attnAdd, [last]);
  graph.setEdge(input, attnAdd.id, 'residual');
  const normId = addOp(graph, mlpNorm, [attnAdd.id]);
  // Projections (up, and gate when gated) read the norm output; the activation reads them all.
  const projections = mlp.filter((op) => op.kind === 'mlp-up' || op.kind === 'mlp-gate');
  for (const op of projections) addOp(graph, op, [normId]);
  const rest = mlp.filter((op) => op.kind === 'mlp-activation' || op.kind === 'mlp-down');
  let inputs: readonly string[] = projections.map((op) => op.id);
  for (const op of rest) inputs = [addOp(graph, op, inputs)];
  addOp(graph, mlpAdd, inputs);
  graph.setEdge(attnAdd.id, mlpAdd.id, 'residual');
  return [attnNorm, qkv, scores, softmax, context, outProj, attnAdd, mlpNorm, ...mlp, mlpAdd];
}

const sum = (ops: readonly OpNode[]): number => ops.reduce((t, op) => t + op.parameterCount, 0);

/**
 * Parameter totals: embedding (incl. learned positions) + l · perLayer + head (LM head, 0 when
 * tied, plus final norm). For a GPT (tied, learned positions, layernorm, biases, f = 4h) this is
 * 12lh² + 13lh + (V + P)h + 2h, i.e. Narayanan et al. 2021 eq. 2 plus the final norm's 2h.
 */
function parameterCounts(
  spec: TransformerSpec,
  pre: OpNode[],
  layer: OpNode[],
  post: OpNode[],
): ParameterCounts {
  const embedding = sum(pre);
  const perLayer = sum(layer);
  const head = sum(post);
  return { embedding, perLayer, head, total: embedding + spec.numLayers * perLayer + head };
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
  for (let layer = 0; layer < spec.numLayers; layer += 1) {
    const added = addLayer(graph, spec, s, layer, last);
    if (layer === 0) layerOps = added;
    ops.push(...added);
    last = added[added.length - 1]?.id ?? last;
  }
  const postOps = [normOp(spec, s, 'final-norm', null), ...headOps(spec, s)];
  for (const op of postOps) last = addOp(graph, op, [last]);
  ops.push(...postOps);

  return {
    spec,
    sequenceLength: s,
    graph,
    ops,
    layerOps,
    preOps,
    postOps,
    parameters: parameterCounts(spec, preOps, layerOps, postOps),
  };
}
