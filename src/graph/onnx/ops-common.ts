/**
 * Shared pieces of the ONNX op converters: a node view with its attributes by name, attribute
 * readers with the ONNX defaults, and the error helper that names the node.
 * @see https://onnx.ai/onnx/operators/ (defaults quoted per op in the converters)
 */
import type { ImportContext } from './context.js';
import { OnnxImportError } from './errors.js';
import type { AttributeProtoObject } from './schema.js';
import { ATTRIBUTE_TYPE } from './schema.js';

export interface NodeView {
  /** Unique operator-graph node id: the ONNX node name, else `<op_type>_<index>`. */
  readonly id: string;
  /** Protobuf path, `model.graph.node[i]`. */
  readonly field: string;
  readonly opType: string;
  readonly domain: string;
  /** Input names; '' marks an omitted optional input (onnx.proto NodeProto, IR.md). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, AttributeProtoObject>;
}

/** Converts one ONNX node into zero or more operator-graph nodes (or an alias). */
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

export function output(n: NodeView): string {
  const name = n.outputs[0];
  return name === undefined || name === '' ? fail(n, 'has no output') : name;
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
  return a !== undefined && a.type === ATTRIBUTE_TYPE.INTS ? a.ints : undefined;
}

export function stringAttr(n: NodeView, name: string, fallback: string): string {
  const a = n.attrs.get(name);
  return a !== undefined && a.type === ATTRIBUTE_TYPE.STRING
    ? new TextDecoder().decode(a.s)
    : fallback;
}

/** A possibly negative axis normalised to [0, rank); fails when out of range. */
export function axis(n: NodeView, value: number, rank: number): number {
  const a = value < 0 ? value + rank : value;
  if (a < 0 || a >= rank) fail(n, `axis ${value} is out of range for rank ${rank}`);
  return a;
}

/**
 * The `axes` of the Reduce ops, Squeeze and Unsqueeze: an attribute before opset 13/18, the constant input
 * `k` from then on. Undefined when neither is given.
 */
export function axesOperand(n: NodeView, ctx: ImportContext, k: number): number[] | undefined {
  const fromAttr = intsAttr(n, 'axes');
  if (fromAttr !== undefined) return fromAttr;
  const name = optionalInput(n, k);
  if (name === undefined) return undefined;
  return ctx.constant(name) ?? fail(n, `axes operand '${name}' is not a constant initializer`);
}

export const product = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);
