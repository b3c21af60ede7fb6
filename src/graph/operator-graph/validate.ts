/**
 * parseOperatorGraph: JSON → validated {@link OperatorGraph}. Structural checks by zod, then
 * semantic checks in this order: unknown op, duplicate node id, undeclared tensor (dangling),
 * tensor produced twice, cycle, shapes (in topological order).
 */
import { GraphInputError } from './errors.js';
import {
  importedOperatorGraphSchema,
  operatorGraphSchema,
  type OperatorGraphJson,
} from './schema.js';
import { inferOutputShape } from './shapes.js';
import {
  DEFAULT_DTYPE,
  MAX_GRAPH_NODES,
  OPERATOR_KINDS,
  type OperatorGraph,
  type OperatorKind,
  type OperatorNode,
  type TensorSpec,
} from './types.js';

type NodeJson = OperatorGraphJson['nodes'][number];

const ROOT = 'graph';
const KINDS: ReadonlySet<string> = new Set(OPERATOR_KINDS);

function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    ROOT,
  );
}

function checkReferences(json: OperatorGraphJson): Map<string, number> {
  const producer = new Map<string, number>();
  const ids = new Set<string>();
  json.nodes.forEach((node, i) => {
    const at = `${ROOT}.nodes[${i}]`;
    if (!KINDS.has(node.op))
      throw new GraphInputError(
        `${at}.op`,
        `node '${node.id}': unknown op '${node.op}' (known: ${OPERATOR_KINDS.join(', ')})`,
      );
    if (ids.has(node.id)) throw new GraphInputError(`${at}.id`, `duplicate node id '${node.id}'`);
    ids.add(node.id);
    node.inputs.forEach((t, j) => {
      if (!(t in json.tensors))
        throw new GraphInputError(
          `${at}.inputs[${j}]`,
          `node '${node.id}': dangling input '${t}' (not declared in tensors and never produced)`,
        );
    });
    node.outputs.forEach((t, j) => {
      if (!(t in json.tensors))
        throw new GraphInputError(
          `${at}.outputs[${j}]`,
          `node '${node.id}': output '${t}' is not declared in tensors`,
        );
      const first = producer.get(t);
      if (first !== undefined)
        throw new GraphInputError(
          `${at}.outputs[${j}]`,
          `tensor '${t}' is produced twice (also by nodes[${first}])`,
        );
      if (json.tensors[t]?.parameter === true)
        throw new GraphInputError(
          `${at}.outputs[${j}]`,
          `parameter '${t}' cannot be produced by a node`,
        );
      producer.set(t, i);
    });
  });
  return producer;
}

function predecessors(json: OperatorGraphJson, producer: ReadonlyMap<string, number>): number[][] {
  return json.nodes.map((node) => [
    ...new Set(node.inputs.flatMap((t) => (producer.has(t) ? [producer.get(t) as number] : []))),
  ]);
}

/** Kahn's algorithm, ready nodes taken in input order (stable). Throws naming a node on a cycle. */
function topologicalOrder(json: OperatorGraphJson, preds: readonly number[][]): number[] {
  const n = json.nodes.length;
  const indegree = preds.map((p) => p.length);
  const succ: number[][] = Array.from({ length: n }, () => []);
  preds.forEach((p, v) => p.forEach((u) => succ[u]?.push(v)));
  const order: number[] = [];
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const u = ready.shift() as number;
    order.push(u);
    for (const v of succ[u] ?? []) if (--(indegree[v] as number) === 0) ready.push(v);
  }
  if (order.length < n) {
    const onCycle = nodeOnCycle(preds, new Set(order));
    const id = json.nodes[onCycle]?.id ?? '?';
    throw new GraphInputError(`${ROOT}.nodes[${onCycle}]`, `cycle through node '${id}'`);
  }
  return order;
}

/** Walk predecessors among unsorted nodes until a node repeats; that node lies on a cycle. */
function nodeOnCycle(preds: readonly number[][], sorted: ReadonlySet<number>): number {
  let v = preds.findIndex((_, i) => !sorted.has(i));
  const seen = new Set<number>();
  while (!seen.has(v)) {
    seen.add(v);
    v = (preds[v] ?? []).find((u) => !sorted.has(u)) ?? v;
  }
  return v;
}

function checkShapes(json: OperatorGraphJson, order: readonly number[]): void {
  for (const i of order) {
    const node = json.nodes[i] as NodeJson;
    const path = `${ROOT}.nodes[${i}]`;
    if (node.outputs.length !== 1)
      throw new GraphInputError(
        `${path}.outputs`,
        `node '${node.id}': ${node.op} has exactly one output`,
      );
    const shape = inferOutputShape({
      nodeId: node.id,
      path,
      op: node.op as OperatorKind,
      inputs: node.inputs.map((t) => json.tensors[t]?.shape ?? []),
      attributes: node.attributes ?? {},
    });
    const out = node.outputs[0] as string;
    const declared = json.tensors[out]?.shape ?? [];
    if (declared.length !== shape.length || declared.some((d, k) => d !== shape[k])) {
      throw new GraphInputError(
        `${path}.outputs[0]`,
        `node '${node.id}': shape mismatch, '${out}' declared [${declared.join(', ')}] but ${node.op} gives [${shape.join(', ')}]`,
      );
    }
  }
}

export interface ParseOptions {
  /**
   * Most nodes accepted: {@link MAX_GRAPH_NODES} (the default, for hand-written JSON) or up to
   * `MAX_IMPORTED_GRAPH_NODES` for importers (ONNX).
   */
  readonly maxNodes?: number;
}

/**
 * Validate an operator-graph JSON document.
 * @param input parsed JSON (unknown)
 * @returns the graph with defaults filled in and nodes in topological order
 * @throws GraphInputError with a JSON-path `field` (e.g. `graph.nodes[3].inputs[1]`)
 */
export function parseOperatorGraph(input: unknown, options: ParseOptions = {}): OperatorGraph {
  const maxNodes = options.maxNodes ?? MAX_GRAPH_NODES;
  const given = (input as { nodes?: unknown } | null)?.nodes;
  if (Array.isArray(given) && given.length > maxNodes)
    throw new GraphInputError(
      `${ROOT}.nodes`,
      `graph has ${given.length} nodes, over the limit of ${maxNodes}`,
    );
  const schema = maxNodes > MAX_GRAPH_NODES ? importedOperatorGraphSchema : operatorGraphSchema;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraphInputError(jsonPath(issue?.path ?? []), issue?.message ?? 'invalid graph');
  }
  const json = parsed.data;
  const producer = checkReferences(json);
  const order = topologicalOrder(json, predecessors(json, producer));
  checkShapes(json, order);
  const tensors: Record<string, TensorSpec> = {};
  for (const [name, t] of Object.entries(json.tensors)) {
    tensors[name] = {
      shape: t.shape,
      dtype: t.dtype ?? DEFAULT_DTYPE,
      parameter: t.parameter ?? false,
    };
  }
  const nodes: OperatorNode[] = order.map((i) => {
    const n = json.nodes[i] as NodeJson;
    return {
      id: n.id,
      op: n.op as OperatorKind,
      inputs: n.inputs,
      outputs: n.outputs,
      attributes: n.attributes ?? {},
      ...(n.cost === undefined ? {} : { cost: n.cost }),
    };
  });
  return { tensors, nodes };
}

/** Tensors that no node produces (graph inputs and parameters). */
export function graphInputs(graph: OperatorGraph): string[] {
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  return Object.keys(graph.tensors).filter((t) => !produced.has(t));
}
