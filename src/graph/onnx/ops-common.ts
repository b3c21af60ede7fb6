/**
 * Shared pieces of the ONNX op converters: a node view with its attributes by name, attribute
 * readers with the ONNX defaults, operand readers, and the error helper that names the node.
 * @see https://onnx.ai/onnx/operators/ (defaults quoted per op in the converters)
 */
import type { ImportContext } from './context.js';
import { OnnxImportError } from './errors.js';
import type { OnnxAttribute, OnnxGraph } from './model-types.js';
import { ATTRIBUTE_TYPE } from './proto.js';
import type { Scope } from './scope.js';

export interface NodeView {
  /** Unique operator-graph node id: the ONNX node name, else `<op_type>_<index>`. */
  readonly id: string;
  /** Protobuf path, `model.graph.node[i]` (nested for subgraphs). */
  readonly field: string;
  readonly opType: string;
  readonly domain: string;
  /** Global input names; '' marks an omitted optional input (onnx.proto NodeProto, IR.md). */
  readonly inputs: readonly string[];
  /** Global output names. */
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttribute>;
  /** The scope the node runs in (subgraph attributes run in a child of it). */
  readonly scope: Scope;
  /** Opset version of the node's domain (default domain: `ai.onnx`). */
  readonly opset: number;
}

/** Converts one ONNX node into zero or more operator-graph nodes (or aliases, or constants). */
export type Converter = (n: NodeView, ctx: ImportContext) => void;

export function fail(n: NodeView, message: string): never {
  throw new OnnxImportError(n.field, `node '${n.id}' (${n.opType}): ${message}`);
}

/** Input k, or undefined when absent or '' (omitted optional input). */
export function optionalInput(n: NodeView, k: number): string | undefined {
  const name = n.inputs[k];
  return name === undefined || name === '' ? undefined : name;
}

export function requiredInput(n: NodeView, k: number): string {
  return optionalInput(n, k) ?? fail(n, `input ${k} is missing`);
}

export function output(n: NodeView, k = 0): string {
  const name = n.outputs[k];
  return name === undefined || name === '' ? fail(n, `has no output ${k}`) : name;
}

export function intAttr(n: NodeView, name: string, fallback: number): number {
  const a = n.attrs.get(name);
  return a !== undefined && a.type === ATTRIBUTE_TYPE.INT ? a.i : fallback;
}

export function floatAttr(n: NodeView, name: string): number | undefined {
  const a = n.attrs.get(name);
  // float32 on the wire: keep the 7 significant digits it carries (1e-5, not 9.99999974e-6)
  return a !== undefined && a.type === ATTRIBUTE_TYPE.FLOAT
    ? Number(a.f.toPrecision(7))
    : undefined;
}

export function intsAttr(n: NodeView, name: string): number[] | undefined {
  const a = n.attrs.get(name);
  return a !== undefined && a.type === ATTRIBUTE_TYPE.INTS ? [...a.ints] : undefined;
}

export function floatsAttr(n: NodeView, name: string): number[] | undefined {
  const a = n.attrs.get(name);
  return a !== undefined && a.type === ATTRIBUTE_TYPE.FLOATS ? [...a.floats] : undefined;
}

export function stringAttr(n: NodeView, name: string, fallback: string): string {
  const a = n.attrs.get(name);
  return a !== undefined && a.type === ATTRIBUTE_TYPE.STRING ? a.s : fallback;
}

export function graphAttr(n: NodeView, name: string): OnnxGraph {
  const a = n.attrs.get(name);
  return a?.g ?? fail(n, `attribute '${name}' (a graph) is missing`);
}

/** A possibly negative axis normalised to [0, rank); fails when out of range. */
export function axis(n: NodeView, value: number, rank: number): number {
  const a = value < 0 ? value + rank : value;
  if (a < 0 || a >= rank) fail(n, `axis ${value} is out of range for rank ${rank}`);
  return a;
}

/**
 * The values of a constant operand (shape, axes, pads, scales…) after folding; fails naming the
 * operand when it is computed at run time. Marks stored data it reads as consumed.
 */
export function constOperand(n: NodeView, ctx: ImportContext, k: number, what: string): number[] {
  const name = requiredInput(n, k);
  const v = ctx.value(name);
  if (v === undefined)
    fail(
      n,
      `${what} '${name}' is not a constant after folding shape arithmetic (it depends on data ` +
        'at run time, or on a dim the options do not bind)',
    );
  ctx.consume(name);
  return [...v];
}

/** An optional constant operand: undefined when the input is omitted. */
export function optionalConstOperand(
  n: NodeView,
  ctx: ImportContext,
  k: number,
  what: string,
): number[] | undefined {
  return optionalInput(n, k) === undefined ? undefined : constOperand(n, ctx, k, what);
}

/**
 * The `axes` of the Reduce ops, Squeeze and Unsqueeze: an attribute before opset 13/18, the constant input
 * `k` from then on. Undefined when neither is given.
 */
export function axesOperand(n: NodeView, ctx: ImportContext, k: number): number[] | undefined {
  return intsAttr(n, 'axes') ?? optionalConstOperand(n, ctx, k, 'axes operand');
}

export const product = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Numpy-style multidirectional broadcasting of shapes; undefined when they do not broadcast. */
export function broadcast(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x !== 1 && d !== 1 && x !== d) return undefined;
      if (x !== 1) d = x;
    }
    out.push(d);
  }
  return out;
}
