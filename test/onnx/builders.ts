/**
 * Test-side ONNX writer: builds ModelProto objects with the importer's protobuf schema (the
 * upstream onnx.proto, src/graph/onnx/proto.ts) and encodes them to bytes.
 */
import { ATTRIBUTE_TYPE, ModelProto, ONNX_DATA_TYPE } from '../../src/graph/onnx/index.js';

type Dim = number | string | null;
type Attr =
  | number
  | number[]
  | string
  | { float: number }
  | { floats: number[] }
  | { tensor: object }
  | { graph: object };

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly object[];
  readonly inputs: readonly object[];
  readonly outputs: readonly object[];
  readonly initializers?: readonly object[];
  readonly valueInfo?: readonly object[];
}

/** ValueInfoProto: a number is dim_value, a string dim_param, null an unknown dim. */
export function value(
  name: string,
  dims: readonly Dim[],
  elemType: number = ONNX_DATA_TYPE.FLOAT,
): object {
  const dim = dims.map((d) =>
    d === null ? {} : typeof d === 'number' ? { dim_value: d } : { dim_param: d },
  );
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

/**
 * How a test initializer stores its data: not at all (`none`: dims only, which the importer reads
 * for the shape), as zero-filled little-endian `raw_data` (`zeros`: a complete, loadable file),
 * or in another file (`external`: data_location EXTERNAL, which the importer refuses).
 */
export type WeightData = 'none' | 'zeros' | 'external';

/** Bytes per element of the element types the tests write. */
const ELEMENT_BYTES: Readonly<Record<number, number>> = { 1: 4, 7: 8, 10: 2, 16: 2, 6: 4 };

/** An initializer of `dims` (see {@link WeightData}). */
export function weight(
  name: string,
  dims: readonly number[],
  dataType: number = ONNX_DATA_TYPE.FLOAT,
  data: WeightData = 'none',
): object {
  const base = { name, dims, data_type: dataType };
  if (data === 'external')
    return {
      ...base,
      data_location: 1,
      external_data: [{ key: 'location', value: 'weights.bin' }],
    };
  if (data === 'none') return base;
  const count = dims.reduce((p, d) => p * d, 1);
  return { ...base, raw_data: new Uint8Array(count * (ELEMENT_BYTES[dataType] ?? 4)) };
}

/** An INT64 initializer with values, in `int64_data` or little-endian `raw_data`. */
export function int64s(name: string, values: readonly number[], raw = false): object {
  const dims = [values.length];
  if (!raw) return { name, dims, data_type: ONNX_DATA_TYPE.INT64, int64_data: values };
  const bytes = new Uint8Array(8 * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((v, k) => view.setBigInt64(8 * k, BigInt(v), true));
  return { name, dims, data_type: ONNX_DATA_TYPE.INT64, raw_data: bytes };
}

function attribute(name: string, a: Attr): object {
  if (typeof a === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: a };
  if (typeof a === 'string')
    return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(a) };
  if (Array.isArray(a)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: a };
  if ('float' in a) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: a.float };
  if ('floats' in a) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: a.floats };
  if ('graph' in a) return { name, type: ATTRIBUTE_TYPE.GRAPH, g: a.graph };
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: a.tensor };
}

/** NodeProto; `name` defaults to the first output. */
export function node(
  opType: string,
  input: readonly string[],
  output: readonly string[],
  attrs: Readonly<Record<string, Attr>> = {},
  extra: { name?: string; domain?: string } = {},
): object {
  const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
  return {
    op_type: opType,
    input,
    output,
    name: extra.name ?? output[0],
    domain: extra.domain ?? '',
    attribute: attribute_,
  };
}

/** Encode a ModelProto (IR version 8, opset 18 unless given) holding `graph`. */
export function encodeModel(graph: GraphSpec, opset = 18): Uint8Array {
  const model = ModelProto.fromObject({
    ir_version: 8,
    producer_name: 'strata-tests',
    opset_import: [{ domain: '', version: opset }],
    graph: subgraph(graph),
  });
  return ModelProto.encode(model).finish();
}

/** A GraphProto object for If branches and Loop bodies (no initializers unless given). */
export function subgraph(graph: GraphSpec): object {
  return {
    name: graph.name,
    node: graph.nodes,
    input: graph.inputs,
    output: graph.outputs,
    initializer: graph.initializers ?? [],
    value_info: graph.valueInfo ?? [],
  };
}

/** A scalar or vector float initializer with values (`float_data`). */
export function floats(
  name: string,
  values: readonly number[],
  dims: readonly number[] = [values.length],
): object {
  return { name, dims, data_type: ONNX_DATA_TYPE.FLOAT, float_data: values };
}
