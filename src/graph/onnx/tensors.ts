/**
 * Tensor facts from ONNX protos: element types → Strata dtypes, symbolic dims → numbers, and the
 * values of small integer constants (Reshape shapes, axes operands).
 */
import type { Dtype } from '../operator-graph/index.js';
import { OnnxImportError } from './errors.js';
import { ONNX_DATA_TYPE, type DimensionObject, type TensorProtoObject } from './schema.js';

export interface OnnxImportOptions {
  /** Resolves every symbolic dim found at axis 0 of a graph input (the batch axis), by name. */
  readonly batchSize?: number;
  /** Values for symbolic dims by `dim_param` name (e.g. `{ sequence: 2048 }`); wins over batchSize. */
  readonly dimParams?: Readonly<Record<string, number>>;
}

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
  17: 'fp8', // FLOAT8E4M3FN
  18: 'fp8', // FLOAT8E4M3FNUZ
  19: 'fp8', // FLOAT8E5M2
  20: 'fp8', // FLOAT8E5M2FNUZ
};

const FLOAT_DTYPES: ReadonlySet<Dtype> = new Set(['fp32', 'fp16', 'bf16', 'fp8']);

export function dtypeOf(onnxType: number): Dtype | undefined {
  return DTYPE_BY_ONNX_TYPE[onnxType];
}

/**
 * Whether an initializer is a trainable weight: floating point and at least rank 1. Scalars and
 * integer tensors (shapes, position ids, masks) are constants.
 */
export function isParameter(dtype: Dtype | undefined, shape: readonly number[]): boolean {
  return dtype !== undefined && FLOAT_DTYPES.has(dtype) && shape.length >= 1;
}

/** Largest integer constant read for shape/axes operands, in elements. */
const MAX_CONSTANT_ELEMENTS = 64;

/**
 * The values of a small INT64/INT32 tensor (from `int64_data`, `int32_data` or little-endian
 * `raw_data`, per onnx.proto `TensorProto`), or `undefined` for other tensors and external data.
 */
export function integerValues(t: TensorProtoObject): number[] | undefined {
  const count = t.dims.reduce((p, d) => p * d, 1);
  if (count > MAX_CONSTANT_ELEMENTS || t.data_location === 1) return undefined;
  if (t.data_type === ONNX_DATA_TYPE.INT64) {
    if (t.int64_data.length === count) return t.int64_data;
    if (t.raw_data.byteLength !== 8 * count) return undefined;
    const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    return Array.from({ length: count }, (_, k) => Number(view.getBigInt64(8 * k, true)));
  }
  if (t.data_type === ONNX_DATA_TYPE.INT32) {
    if (t.int32_data.length === count) return t.int32_data;
    if (t.raw_data.byteLength !== 4 * count) return undefined;
    const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    return Array.from({ length: count }, (_, k) => view.getInt32(4 * k, true));
  }
  return undefined;
}

/** The key an unknown dim (neither `dim_value` nor `dim_param`) goes by. */
export const UNNAMED_DIM = '';

/**
 * Resolve a `TensorShapeProto` to numbers.
 * @param dims the `dim` list; a dim is `dim_value`, `dim_param` (symbolic) or unknown
 * @param batchParams dim_param names bound to `options.batchSize` ('' = an unknown axis-0 dim)
 * @param field protobuf path of the shape, for errors
 * @throws OnnxImportError naming the tensor and the dim when a dim cannot be resolved
 */
export function resolveDims(
  tensor: string,
  dims: readonly DimensionObject[],
  options: OnnxImportOptions,
  batchParams: ReadonlySet<string>,
  field: string,
): number[] {
  return dims.map((d, axis) => {
    if (d.value === 'dim_value' && d.dim_value !== undefined && d.dim_value > 0) return d.dim_value;
    const param = d.value === 'dim_param' ? (d.dim_param ?? UNNAMED_DIM) : UNNAMED_DIM;
    const fromParams = param === UNNAMED_DIM ? undefined : options.dimParams?.[param];
    const value = fromParams ?? (batchParams.has(param) ? options.batchSize : undefined);
    if (value !== undefined && Number.isInteger(value) && value > 0) return value;
    const what = param === UNNAMED_DIM ? 'unknown' : `symbolic ('${param}')`;
    const hint =
      param === UNNAMED_DIM
        ? 'pass options.batchSize (axis 0 of a graph input) or add the dim to the model'
        : `pass options.dimParams['${param}']` +
          (batchParams.has(param) ? ' or options.batchSize' : '');
    throw new OnnxImportError(
      `${field}.dim[${axis}]`,
      `tensor '${tensor}' dim ${axis} is ${what}${value === undefined ? '' : ` and got ${value}, not a positive integer`}; ${hint}`,
    );
  });
}
