/**
 * The decoded ONNX model as the importer reads it: the graph structure of onnx.proto
 * (ModelProto → GraphProto → NodeProto / ValueInfoProto / TensorProto), with tensors reduced to
 * their metadata (name, dims, element type) plus the values of small tensors. Holds no weight
 * data and no view into the file's bytes, so it can be kept (e.g. by an upload cache) after the
 * bytes are gone.
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md
 */

/** One TensorProto: metadata always; `values` only for small shape/scalar tensors. */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** `TensorProto.DataType` (onnx.proto). */
  readonly dataType: number;
  /** `data_location = EXTERNAL`: the data lives in another file. */
  readonly external: boolean;
  readonly externalLocation?: string;
  /** Element values (integers exact up to 2^53), for tensors small enough to fold. */
  values?: readonly number[];
}

/** One dim of a TensorShapeProto: a number, a symbolic name, or unknown (neither). */
export interface OnnxDim {
  readonly value?: number;
  readonly param?: string;
}

/** ValueInfoProto of a tensor: element type and shape (`dims` undefined = unknown rank). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly dims?: readonly OnnxDim[];
}

/** AttributeProto, with the members the importer reads. */
export interface OnnxAttribute {
  readonly name: string;
  /** `AttributeProto.AttributeType` (onnx.proto). */
  readonly type: number;
  readonly f: number;
  readonly i: number;
  readonly s: string;
  readonly t?: OnnxTensor;
  readonly g?: OnnxGraph;
  readonly floats: readonly number[];
  readonly ints: readonly number[];
  readonly strings: readonly string[];
  readonly tensors: readonly OnnxTensor[];
  readonly graphs: readonly OnnxGraph[];
  /** Function-body attributes that refer to the calling node's attribute of this name. */
  readonly refAttrName: string;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Input names; '' marks an omitted optional input (IR.md). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly valueInfo: readonly OnnxValueInfo[];
}

/** FunctionProto (model-local functions, IR ≥ 8): inlined where a node calls them. */
export interface OnnxFunction {
  readonly name: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly string[];
  readonly nodes: readonly OnnxNode[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsetImports: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graph: OnnxGraph;
  readonly functions: readonly OnnxFunction[];
  /** Nodes in the model, subgraphs and functions included. */
  readonly nodeCount: number;
  /** Bytes of the file it was read from. */
  readonly fileBytes: number;
}
