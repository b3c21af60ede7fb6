/**
 * What a model holds, for the caller: its graph inputs with symbolic dims as named in the file,
 * and its stored weights (every float initializer and `Constant` value of rank ≥ 1, subgraphs and
 * functions included), counted once each.
 */
import { ATTRIBUTE_TYPE } from './proto.js';
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model-types.js';
import { elementCount, isWeightTensor } from './tensors.js';

/** A graph input as the file declares it: dims are numbers, `dim_param` names, or '?' (unknown). */
export interface OnnxInputSummary {
  readonly name: string;
  readonly shape: readonly (number | string)[];
  /** ONNX `TensorProto.DataType` of its elements. */
  readonly elemType: number;
}

/** What the file says before any dim is bound (an upload can answer this). */
export interface OnnxModelSummary {
  /** Nodes in the file, subgraphs and functions included. */
  readonly ops: number;
  /** Elements of every stored float weight (initializers and Constant values, rank ≥ 1). */
  readonly parameters: number;
  readonly inputs: readonly OnnxInputSummary[];
  readonly producer: string;
  /** Default-domain opset the model imports. */
  readonly opset: number;
  readonly irVersion: number;
}

function constantTensors(node: OnnxNode): OnnxTensor[] {
  if (node.opType !== 'Constant') return [];
  return [...node.attributes.values()].flatMap((a) =>
    a.t !== undefined &&
    (a.type === ATTRIBUTE_TYPE.TENSOR || a.type === ATTRIBUTE_TYPE.SPARSE_TENSOR)
      ? [a.t]
      : [],
  );
}

function subgraphs(node: OnnxNode): OnnxGraph[] {
  return [...node.attributes.values()].flatMap((a) => [
    ...(a.g === undefined ? [] : [a.g]),
    ...a.graphs,
  ]);
}

function collect(
  nodes: readonly OnnxNode[],
  initializers: readonly OnnxTensor[],
  out: Set<OnnxTensor>,
): void {
  for (const t of initializers) if (isWeightTensor(t.dataType, t.dims)) out.add(t);
  for (const node of nodes) {
    for (const t of constantTensors(node)) if (isWeightTensor(t.dataType, t.dims)) out.add(t);
    for (const g of subgraphs(node)) collect(g.nodes, g.initializers, out);
  }
}

/** Every stored float weight of rank ≥ 1 in the model, each tensor once. */
export function storedWeights(model: OnnxModel): Set<OnnxTensor> {
  const out = new Set<OnnxTensor>();
  collect(model.graph.nodes, model.graph.initializers, out);
  for (const f of model.functions) collect(f.nodes, [], out);
  return out;
}

export const weightElements = (tensors: Iterable<OnnxTensor>): number => {
  let total = 0;
  for (const t of tensors) total += elementCount(t.dims);
  return total;
};

function inputSummary(info: OnnxValueInfo): OnnxInputSummary {
  const shape = (info.dims ?? []).map((d) =>
    d.value !== undefined && d.value > 0
      ? d.value
      : d.param !== undefined && d.param !== ''
        ? d.param
        : '?',
  );
  return { name: info.name, shape, elemType: info.elemType };
}

/** The graph inputs that are not initializers (IR.md: an initializer may also be listed as input). */
export function graphInputs(model: OnnxModel): OnnxValueInfo[] {
  const stored = new Set(model.graph.initializers.map((t) => t.name));
  return model.graph.inputs.filter((i) => !stored.has(i.name));
}

/** Summary of a decoded model, dims unbound. */
export function summarizeOnnxModel(model: OnnxModel): OnnxModelSummary {
  return {
    ops: model.nodeCount,
    parameters: weightElements(storedWeights(model)),
    inputs: graphInputs(model).map(inputSummary),
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    opset: model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0,
    irVersion: model.irVersion,
  };
}
