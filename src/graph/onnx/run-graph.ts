/**
 * Runs an ONNX graph through the importer in file order (onnx.proto: "The nodes in the graph,
 * sorted topologically"): each node folds (fold.ts) or converts (ops.ts); If/Loop inline their
 * subgraphs (control-flow.ts) and calls of model-local functions inline the function body, with
 * `ref_attr_name` attributes taken from the call.
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md#functions
 */
import type { ImportContext } from './context.js';
import { convertIf, convertLoop } from './control-flow.js';
import type { OnnxAttribute, OnnxFunction, OnnxGraph, OnnxNode } from './model-types.js';
import { fail, type NodeView } from './ops-common.js';
import { converterFor } from './ops.js';
import { tryFold } from './fold.js';
import { Scope } from './scope.js';

export interface RunEnv {
  /** Model-local functions by `domain:name`. */
  readonly functions: ReadonlyMap<string, OnnxFunction>;
  /** Opset version by domain ('' = ai.onnx). */
  readonly opsets: ReadonlyMap<string, number>;
}

const functionKey = (domain: string, name: string): string => `${domain}:${name}`;

export class GraphRunner {
  constructor(
    private readonly ctx: ImportContext,
    private readonly env: RunEnv,
  ) {}

  /** Define a graph's initializers in `scope`, run its nodes, return its outputs' global names. */
  run(graph: OnnxGraph, scope: Scope, field: string, idPrefix: string): string[] {
    graph.initializers.forEach((t) => this.ctx.defineStored(scope.define(t.name), t));
    this.runNodes(graph.nodes, scope, field, idPrefix, new Map());
    return graph.outputs.map((o) => scope.lookup(o.name));
  }

  private runNodes(
    nodes: readonly OnnxNode[],
    scope: Scope,
    field: string,
    idPrefix: string,
    callAttrs: ReadonlyMap<string, OnnxAttribute>,
  ): void {
    nodes.forEach((node, k) => {
      const inputs = node.inputs.map((i) => scope.lookup(i));
      const outputs = node.outputs.map((o) => scope.define(o));
      const id = this.ctx.nodeId(
        `${idPrefix}${node.name === '' ? `${node.opType}_${k}` : node.name}`,
      );
      const view: NodeView = {
        id,
        field: `${field}.node[${k}]`,
        opType: node.opType,
        domain: node.domain,
        inputs,
        outputs,
        attrs: callAttrs.size === 0 ? node.attributes : substitute(node.attributes, callAttrs),
        scope,
        opset: this.env.opsets.get(node.domain === 'ai.onnx' ? '' : node.domain) ?? 1,
      };
      this.runNode(view);
    });
  }

  private runNode(n: NodeView): void {
    const fn = this.env.functions.get(functionKey(n.domain, n.opType));
    if (fn !== undefined) {
      this.inline(n, fn);
      return;
    }
    const before = this.ctx.nodes.length;
    const run = this.run.bind(this);
    if (n.opType === 'If') convertIf(n, this.ctx, run);
    else if (n.opType === 'Loop') convertLoop(n, this.ctx, run);
    else if (!tryFold(n, this.ctx)) {
      const convert = converterFor(n.opType, n.domain) ?? fail(n, 'no mapping for this op');
      convert(n, this.ctx);
    }
    for (const emitted of this.ctx.nodes.slice(before)) emitted.attributes['onnxOp'] ??= n.opType;
  }

  private inline(n: NodeView, fn: OnnxFunction): void {
    const scope = n.scope.child(`${n.id}/`);
    fn.inputs.forEach((name, k) => scope.bind(name, n.inputs[k] ?? ''));
    this.runNodes(fn.nodes, scope, n.field, `${n.id}/`, n.attrs);
    fn.outputs.forEach((name, k) => {
      const o = n.outputs[k];
      if (o !== undefined && o !== '') this.ctx.alias(o, scope.lookup(name));
    });
  }
}

/** Function-body attributes: `ref_attr_name` takes the caller's attribute (absent: default). */
function substitute(
  attrs: ReadonlyMap<string, OnnxAttribute>,
  call: ReadonlyMap<string, OnnxAttribute>,
): ReadonlyMap<string, OnnxAttribute> {
  const out = new Map<string, OnnxAttribute>();
  for (const [name, a] of attrs) {
    if (a.refAttrName === '') out.set(name, a);
    else {
      const given = call.get(a.refAttrName);
      if (given !== undefined) out.set(name, { ...given, name });
    }
  }
  return out;
}

/** Functions of a model by `domain:name`. */
export function functionTable(functions: readonly OnnxFunction[]): Map<string, OnnxFunction> {
  return new Map(functions.map((f) => [functionKey(f.domain, f.name), f]));
}

export { Scope };
