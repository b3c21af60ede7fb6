/**
 * A minimal, hand-written subset of the official ONNX protobuf schema: exactly the messages and
 * fields the importer reads (and the tests write). Field numbers, labels and `packed` options are
 * copied from onnx/onnx `onnx/onnx.proto` (checked at commit
 * 004aa57f442055b51af980769883b544ac4f87f2); ONNX keeps field numbers stable across IR versions,
 * so newer files decode with this schema too, unknown fields being skipped by protobuf.
 *
 * The file is proto2 (onnx.proto `syntax = "proto2"`), so repeated scalars are unpacked unless
 * marked `[packed = true]`, as in the original; a decoder accepts either encoding.
 *
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md
 */
import protobuf from 'protobufjs';

/** onnx.proto, trimmed to the fields Strata reads; every number is the one in onnx.proto. */
export const ONNX_PROTO_SUBSET = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
    SPARSE_TENSOR = 11; SPARSE_TENSORS = 12;
  }
  optional string name = 1;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional GraphProto graph = 7;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  enum DataLocation { DEFAULT = 0; EXTERNAL = 1; }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional DataLocation data_location = 14;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
`;

/** The parsed schema; built once at module load and never mutated afterwards. */
const root = protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: true }).root;

/** `onnx.ModelProto`, for decoding (the importer) and encoding (tests, example generation). */
export const ModelProto: protobuf.Type = root.lookupType('onnx.ModelProto');

/** `AttributeProto.AttributeType` values used by the importer (onnx.proto `AttributeType`). */
export const ATTRIBUTE_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
} as const;

/** `TensorProto.DataType` values (onnx.proto `TensorProto.DataType`). */
export const ONNX_DATA_TYPE = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const;

/** Plain-object views of the decoded messages (protobufjs `toObject` with `DECODE_OPTIONS`). */
export interface TensorProtoObject {
  dims: number[];
  data_type: number;
  float_data: number[];
  int32_data: number[];
  int64_data: number[];
  name: string;
  raw_data: Uint8Array;
  data_location: number;
}

export interface AttributeProtoObject {
  name: string;
  type: number;
  f: number;
  i: number;
  s: Uint8Array;
  t?: TensorProtoObject | null;
  floats: number[];
  ints: number[];
}

export interface DimensionObject {
  dim_value?: number;
  dim_param?: string;
  /** Which member of the `value` oneof is set (`oneofs: true`); absent = unknown dim. */
  value?: 'dim_value' | 'dim_param';
}

export interface ValueInfoProtoObject {
  name: string;
  type?: {
    tensor_type?: { elem_type: number; shape?: { dim: DimensionObject[] } | null } | null;
  } | null;
}

export interface NodeProtoObject {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  attribute: AttributeProtoObject[];
}

export interface GraphProtoObject {
  node: NodeProtoObject[];
  name: string;
  initializer: TensorProtoObject[];
  input: ValueInfoProtoObject[];
  output: ValueInfoProtoObject[];
  value_info: ValueInfoProtoObject[];
}

export interface ModelProtoObject {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  graph?: GraphProtoObject | null;
}

/** `toObject` options: int64 as JS numbers, defaults filled in, oneof discriminators set. */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  oneofs: true,
};
