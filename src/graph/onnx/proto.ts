/**
 * The ONNX protobuf schema, from upstream: `onnx.proto` of ONNX v1.20.0 as compiled by the
 * `onnx-buf` package (its embedded `FileDescriptorProto`, field numbers, labels and `packed`
 * options exactly as in onnx/onnx `onnx/onnx.proto`; Apache-2.0, see
 * test/fixtures/onnx-real/README.md), loaded into protobufjs (`Root.fromDescriptor`) for its
 * generated decoders. Nothing here is hand-written: to move to a newer ONNX, bump `onnx-buf`.
 *
 * One change of behaviour, not of schema: `TensorProto` messages decode lazily. Their bulk data
 * fields (`raw_data`, `float_data`, `int32_data`, `int64_data`, `double_data`, `uint64_data`,
 * `string_data`) are skipped without being copied (protobufjs `skipType`), and only the values of
 * small integer/bool tensors (shape operands) and tiny float tensors (scales, clip bounds) are
 * decoded, from a second pass over the same bytes. A 256 MiB weight file therefore costs its
 * metadata only.
 *
 * @see https://github.com/onnx/onnx/blob/v1.20.0/onnx/onnx.proto
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { AttributeProto_AttributeType, TensorProto_DataType, file_onnx } from 'onnx-buf';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor.js';
import type { OnnxTensor } from './model-types.js';
import { tensorValues, wantsValues } from './tensor-values.js';

/** The ONNX release whose onnx.proto this decoder uses (the `onnx-buf` version it tracks). */
export const ONNX_SCHEMA_VERSION = '1.20.0';

/** `TensorProto` fields that hold element data (onnx.proto field names). */
const DATA_FIELDS = [
  'float_data',
  'int32_data',
  'string_data',
  'int64_data',
  'raw_data',
  'double_data',
  'uint64_data',
] as const;

/** `TensorProto.DataLocation.EXTERNAL` (onnx.proto). */
const EXTERNAL = 1;

type FromDescriptor = (set: Uint8Array, options: { keepCase: boolean }) => protobuf.Root;

function loadRoot(): protobuf.Root {
  const set = toBinary(
    FileDescriptorSetSchema,
    create(FileDescriptorSetSchema, { file: [file_onnx.proto] }),
  );
  // protobufjs/ext/descriptor adds Root.fromDescriptor at run time; its typings do not say so.
  const fromDescriptor = (protobuf.Root as unknown as { fromDescriptor: FromDescriptor })
    .fromDescriptor;
  return fromDescriptor(set, { keepCase: true });
}

/** The schema root; built once at module load and never changed afterwards. */
const root = loadRoot();

/** `onnx.ModelProto` with the official field set (tests and examples encode with it). */
export const ModelProto: protobuf.Type = root.lookupType('onnx.ModelProto');

/** `onnx.TensorProto` with its generated (eager) decoder, before the lazy one replaces it. */
const tensorType = root.lookupType('onnx.TensorProto');
tensorType.setup();
const decodeFullTensor = tensorType.decode.bind(tensorType);

/** The same message without its data fields: decoding it skips them. */
const tensorMetaType = ((): protobuf.Type => {
  const json = tensorType.toJSON() as { fields: Record<string, unknown> };
  for (const f of DATA_FIELDS) delete json.fields[f];
  const meta = protobuf.Type.fromJSON('TensorProtoMeta', json as protobuf.IType);
  (root.lookup('onnx') as protobuf.Namespace).add(meta);
  root.resolveAll();
  return meta;
})();

/** Raw decoded message field values (protobufjs: int64 as Long or number). */
type Long = { toNumber(): number };
const int = (v: unknown): number =>
  typeof v === 'number' ? v : ((v as Long | undefined)?.toNumber() ?? 0);

interface TensorMetaMessage {
  dims?: unknown[];
  data_type?: number;
  name?: string;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

/**
 * Decode one TensorProto as an {@link OnnxTensor}: metadata always, values only when
 * {@link wantsValues} says the tensor is small enough to be a shape or scalar operand.
 */
function decodeTensorLazily(reader: protobuf.Reader | Uint8Array, length?: number): OnnxTensor {
  const r = reader instanceof protobuf.Reader ? reader : protobuf.Reader.create(reader);
  const start = r.pos;
  const end = length === undefined ? r.len : r.pos + length;
  const meta = tensorMetaType.decode(r, end - start) as TensorMetaMessage;
  const dims = (meta.dims ?? []).map(int);
  const dataType = meta.data_type ?? 0;
  const external = meta.data_location === EXTERNAL;
  const location = meta.external_data?.find((e) => e.key === 'location')?.value;
  const tensor: OnnxTensor = {
    name: meta.name ?? '',
    dims,
    dataType,
    external,
    ...(location === undefined ? {} : { externalLocation: location }),
  };
  if (!external && wantsValues(dataType, dims)) {
    const full = decodeFullTensor(r.buf.subarray(start, end)) as unknown as Record<string, unknown>;
    const values = tensorValues(full, dataType, dims);
    if (values !== undefined) tensor.values = values;
  }
  return tensor;
}

// Every TensorProto (initializers, Constant values, attribute tensors, sparse values) decodes
// through the generated parent decoders, which call `types[k].decode(reader, length)`.
tensorType.decode = decodeTensorLazily as unknown as typeof tensorType.decode;

/** `AttributeProto.AttributeType` (onnx.proto), from the upstream enum. */
export const ATTRIBUTE_TYPE = {
  FLOAT: AttributeProto_AttributeType.FLOAT as number,
  INT: AttributeProto_AttributeType.INT as number,
  STRING: AttributeProto_AttributeType.STRING as number,
  TENSOR: AttributeProto_AttributeType.TENSOR as number,
  GRAPH: AttributeProto_AttributeType.GRAPH as number,
  SPARSE_TENSOR: AttributeProto_AttributeType.SPARSE_TENSOR as number,
  FLOATS: AttributeProto_AttributeType.FLOATS as number,
  INTS: AttributeProto_AttributeType.INTS as number,
  STRINGS: AttributeProto_AttributeType.STRINGS as number,
  TENSORS: AttributeProto_AttributeType.TENSORS as number,
  GRAPHS: AttributeProto_AttributeType.GRAPHS as number,
} as const;

/** `TensorProto.DataType` (onnx.proto), from the upstream enum, as plain numbers. */
export const ONNX_DATA_TYPE: Readonly<Record<keyof typeof TensorProto_DataType, number>> =
  TensorProto_DataType;

/** Decode ModelProto bytes to protobufjs messages (tensors as {@link OnnxTensor}). */
export function decodeModelMessage(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.decode(bytes);
}

/** int64 field value → number (protobufjs gives Long for int64 when `long` is installed). */
export const toInt = int;
