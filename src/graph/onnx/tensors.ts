/**
 * Tensor facts from ONNX element types: Strata dtypes, floating point or not, whether a stored
 * tensor is a trainable weight.
 */
import type { Dtype } from '../operator-graph/index.js';
import { ONNX_DATA_TYPE } from './proto.js';

/**
 * ONNX `TensorProto.DataType` → Strata dtype (onnx.proto `TensorProto.DataType`). Types with no
 * Strata equivalent (strings, complex, 64-bit floats, 4-bit) give `undefined`: the tensor then
 * takes the operator-graph default dtype.
 */
const DTYPE_BY_ONNX_TYPE: Readonly<Record<number, Dtype>> = {
  [ONNX_DATA_TYPE.FLOAT]: 'fp32',
  [ONNX_DATA_TYPE.UINT8]: 'int8',
  [ONNX_DATA_TYPE.INT8]: 'int8',
  [ONNX_DATA_TYPE.INT32]: 'int32',
  [ONNX_DATA_TYPE.INT64]: 'int64',
  [ONNX_DATA_TYPE.BOOL]: 'bool',
  [ONNX_DATA_TYPE.FLOAT16]: 'fp16',
  [ONNX_DATA_TYPE.BFLOAT16]: 'bf16',
  [ONNX_DATA_TYPE.FLOAT8E4M3FN]: 'fp8',
  [ONNX_DATA_TYPE.FLOAT8E4M3FNUZ]: 'fp8',
  [ONNX_DATA_TYPE.FLOAT8E5M2]: 'fp8',
  [ONNX_DATA_TYPE.FLOAT8E5M2FNUZ]: 'fp8',
};

/** Floating-point element types (onnx.proto `TensorProto.DataType`). */
const FLOAT_TYPES: ReadonlySet<number> = new Set([
  ONNX_DATA_TYPE.FLOAT,
  ONNX_DATA_TYPE.FLOAT16,
  ONNX_DATA_TYPE.DOUBLE,
  ONNX_DATA_TYPE.BFLOAT16,
  ONNX_DATA_TYPE.FLOAT8E4M3FN,
  ONNX_DATA_TYPE.FLOAT8E4M3FNUZ,
  ONNX_DATA_TYPE.FLOAT8E5M2,
  ONNX_DATA_TYPE.FLOAT8E5M2FNUZ,
]);

export function dtypeOf(onnxType: number): Dtype | undefined {
  return DTYPE_BY_ONNX_TYPE[onnxType];
}

export function isFloatType(onnxType: number): boolean {
  return FLOAT_TYPES.has(onnxType);
}

/**
 * Whether stored data (an initializer or a `Constant` value) is a trainable weight: floating
 * point and at least rank 1. Scalars and integer tensors (shapes, position ids, masks) are not.
 */
export function isWeightTensor(onnxType: number, dims: readonly number[]): boolean {
  return isFloatType(onnxType) && dims.length >= 1;
}

export const elementCount = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);
