/**
 * readOnnxModel: the bytes of a `.onnx` file → {@link OnnxModel}. Bounds the input (size, node
 * count), turns protobuf failures into typed errors (not a protobuf, truncated, not an ONNX
 * model), refuses tensors whose data lives in another file, and converts the decoded messages to
 * plain objects that hold no tensor data.
 */
import { OnnxImportError } from './errors.js';
import type {
  OnnxAttribute,
  OnnxDim,
  OnnxFunction,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './model-types.js';
import { decodeModelMessage, toInt } from './proto.js';

/** Largest accepted file: 256 MiB (2^28 bytes), weights included. */
export const MAX_ONNX_BYTES = 256 * 2 ** 20;

/** Most nodes in one model, subgraphs and functions included. */
export const MAX_ONNX_NODES = 100_000;

type Msg = Readonly<Record<string, unknown>>;
const list = (m: Msg, key: string): Msg[] => (m[key] as Msg[] | undefined) ?? [];
const str = (m: Msg, key: string): string => (m[key] as string | undefined) ?? '';
const has = (m: Msg, key: string): boolean => Object.hasOwn(m, key) && m[key] !== null;

/** Counts nodes while converting and stops at the limit. */
class Reader {
  nodeCount = 0;

  tensor(t: unknown, field: string): OnnxTensor {
    const tensor = t as OnnxTensor;
    if (tensor.external)
      throw new OnnxImportError(
        field,
        `tensor '${tensor.name}' keeps its data in an external file` +
          `${tensor.externalLocation === undefined ? '' : ` ('${tensor.externalLocation}')`}` +
          ' (data_location EXTERNAL); upload a single-file model: onnx.save_model(model, path, ' +
          'save_as_external_data=False), or onnx.load with the data and save again',
        undefined,
        'external-data',
      );
    return tensor;
  }

  valueInfo(m: Msg): OnnxValueInfo {
    const tensorType = (m['type'] as Msg | undefined)?.['tensor_type'] as Msg | undefined;
    const shape = tensorType?.['shape'] as Msg | undefined;
    const base = { name: str(m, 'name'), elemType: (tensorType?.['elem_type'] as number) ?? 0 };
    if (shape === undefined || shape === null) return base;
    const dims = list(shape, 'dim').map((d): OnnxDim => {
      if (has(d, 'dim_value')) return { value: toInt(d['dim_value']) };
      if (has(d, 'dim_param')) return { param: str(d, 'dim_param') };
      return {};
    });
    return { ...base, dims };
  }

  attribute(m: Msg, field: string): OnnxAttribute {
    const name = str(m, 'name');
    const at = `${field}.attribute['${name}']`;
    const text = (b: unknown): string =>
      b instanceof Uint8Array ? new TextDecoder().decode(b) : '';
    const t = has(m, 't') ? this.tensor(m['t'], `${at}.t`) : undefined;
    const sparse = has(m, 'sparse_tensor') ? (m['sparse_tensor'] as Msg) : undefined;
    const g = has(m, 'g') ? this.graph(m['g'] as Msg, `${at}.g`) : undefined;
    return {
      name,
      type: (m['type'] as number | undefined) ?? 0,
      f: (m['f'] as number | undefined) ?? 0,
      i: toInt(m['i']),
      s: text(m['s']),
      ...(t === undefined ? {} : { t }),
      ...(sparse === undefined ? {} : { t: this.sparse(sparse, `${at}.sparse_tensor`) }),
      ...(g === undefined ? {} : { g }),
      floats: (m['floats'] as number[] | undefined) ?? [],
      ints: ((m['ints'] as unknown[] | undefined) ?? []).map(toInt),
      strings: ((m['strings'] as unknown[] | undefined) ?? []).map(text),
      tensors: list(m, 'tensors').map((x, k) => this.tensor(x, `${at}.tensors[${k}]`)),
      graphs: list(m, 'graphs').map((x, k) => this.graph(x, `${at}.graphs[${k}]`)),
      refAttrName: str(m, 'ref_attr_name'),
    };
  }

  node(m: Msg, field: string): OnnxNode {
    this.nodeCount++;
    if (this.nodeCount > MAX_ONNX_NODES)
      throw new OnnxImportError(
        field,
        `model has more than ${MAX_ONNX_NODES} nodes (the limit, subgraphs included)`,
        undefined,
        'too-large',
      );
    const attrs = list(m, 'attribute').map((a) => this.attribute(a, field));
    return {
      name: str(m, 'name'),
      opType: str(m, 'op_type'),
      domain: str(m, 'domain'),
      inputs: (m['input'] as string[] | undefined) ?? [],
      outputs: (m['output'] as string[] | undefined) ?? [],
      attributes: new Map(attrs.map((a) => [a.name, a])),
    };
  }

  /** A SparseTensorProto as a dense tensor of its `dims` (values' type, no values). */
  sparse(m: Msg, field: string): OnnxTensor {
    const values = this.tensor(m['values'], `${field}.values`);
    const dims = ((m['dims'] as unknown[] | undefined) ?? []).map(toInt);
    return { name: values.name, dims, dataType: values.dataType, external: false };
  }

  graph(m: Msg, field: string): OnnxGraph {
    return {
      name: str(m, 'name'),
      nodes: list(m, 'node').map((n, k) => this.node(n, `${field}.node[${k}]`)),
      initializers: [
        ...list(m, 'initializer').map((t, k) => this.tensor(t, `${field}.initializer[${k}]`)),
        ...list(m, 'sparse_initializer').map((t, k) =>
          this.sparse(t, `${field}.sparse_initializer[${k}]`),
        ),
      ],
      inputs: list(m, 'input').map((v) => this.valueInfo(v)),
      outputs: list(m, 'output').map((v) => this.valueInfo(v)),
      valueInfo: list(m, 'value_info').map((v) => this.valueInfo(v)),
    };
  }

  function(m: Msg, field: string): OnnxFunction {
    return {
      name: str(m, 'name'),
      domain: str(m, 'domain'),
      inputs: (m['input'] as string[] | undefined) ?? [],
      outputs: (m['output'] as string[] | undefined) ?? [],
      attributes: (m['attribute'] as string[] | undefined) ?? [],
      nodes: list(m, 'node').map((n, k) => this.node(n, `${field}.node[${k}]`)),
    };
  }
}

/** ModelProto field number → wire type (onnx.proto: ir_version, producer_name, …, functions). */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [1, 0],
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 0],
  [6, 2],
  [7, 2],
  [8, 2],
  [14, 2],
  [20, 2],
  [25, 2],
  [26, 2],
]);

/**
 * The "magic" check: ONNX has no magic number, but a ModelProto starts with one of its own field
 * tags (every exporter writes ir_version, tag 0x08, first). Bytes that do not are not ONNX.
 */
function firstTagFits(bytes: Uint8Array): boolean {
  let tag = 0;
  for (let i = 0, shift = 0; i < Math.min(bytes.length, 5); i++, shift += 7) {
    const b = bytes[i] ?? 0;
    tag |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return MODEL_FIELDS.get(tag >>> 3) === (tag & 7);
  }
  return false;
}

function decode(bytes: Uint8Array): Msg {
  if (!firstTagFits(bytes))
    throw new OnnxImportError(
      'model',
      `not an ONNX file: it does not start like an onnx.ModelProto protobuf (first byte ` +
        `${bytes.length === 0 ? 'none: the file is empty' : `0x${(bytes[0] ?? 0).toString(16).padStart(2, '0')}`})`,
      undefined,
      'not-onnx',
    );
  try {
    return decodeModelMessage(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const truncated = /index out of range/.test(reason);
    throw new OnnxImportError(
      'model',
      truncated
        ? `file is truncated or corrupt: the protobuf ends inside a field (${reason})`
        : `not an ONNX file: the bytes do not decode as an onnx.ModelProto protobuf (${reason})`,
      undefined,
      truncated ? 'truncated' : 'not-onnx',
    );
  }
}

/**
 * Read the bytes of an `.onnx` file.
 * @param bytes the whole file (Uint8Array or Buffer), at most {@link MAX_ONNX_BYTES}
 * @throws OnnxImportError: `too-large`, `not-onnx`, `truncated`, `external-data`
 */
export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array))
    throw new OnnxImportError('model', 'expected the ONNX file as bytes (Uint8Array)');
  if (bytes.byteLength > MAX_ONNX_BYTES)
    throw new OnnxImportError(
      'model',
      `file is ${bytes.byteLength} bytes, over the ${MAX_ONNX_BYTES}-byte (256 MiB) limit`,
      undefined,
      'too-large',
    );
  const m = decode(bytes);
  const graph = m['graph'] as Msg | undefined | null;
  if (graph === undefined || graph === null || toInt(m['ir_version']) < 1)
    throw new OnnxImportError(
      'model.graph',
      'not an ONNX model: no ir_version or no graph (is this an ONNX ModelProto file?)',
      undefined,
      'not-onnx',
    );
  const reader = new Reader();
  const converted = reader.graph(graph, 'model.graph');
  if (converted.nodes.length === 0)
    throw new OnnxImportError('model.graph.node', 'graph has no nodes', undefined, 'invalid-model');
  return {
    irVersion: toInt(m['ir_version']),
    opsetImports: list(m, 'opset_import').map((o) => ({
      domain: str(o, 'domain'),
      version: toInt(o['version']),
    })),
    producerName: str(m, 'producer_name'),
    producerVersion: str(m, 'producer_version'),
    graph: converted,
    functions: list(m, 'functions').map((f, k) => reader.function(f, `model.functions[${k}]`)),
    nodeCount: reader.nodeCount,
    fileBytes: bytes.byteLength,
  };
}
