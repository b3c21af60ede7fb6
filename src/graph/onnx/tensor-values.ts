/**
 * Element values of small TensorProtos: which tensors are worth decoding (shape operands,
 * scalars) and how to read them from the typed data fields or little-endian `raw_data`.
 * @see https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (TensorProto: "raw_data ... stored
 *      in little-endian order"; which typed field holds which element type)
 */

/** Largest integer/bool tensor whose values are read (shape vectors, axes, indices, masks). */
export const MAX_INTEGER_VALUES = 1024;
/** Largest floating-point tensor whose values are read (scales, clip bounds, exponents). */
export const MAX_FLOAT_VALUES = 64;

/** Element width in bytes of each numeric `TensorProto.DataType` that values are read for. */
const WIDTH: Readonly<Record<number, number>> = {
  1: 4, // FLOAT
  2: 1, // UINT8
  3: 1, // INT8
  4: 2, // UINT16
  5: 2, // INT16
  6: 4, // INT32
  7: 8, // INT64
  9: 1, // BOOL
  10: 2, // FLOAT16
  11: 8, // DOUBLE
  12: 4, // UINT32
  13: 8, // UINT64
  16: 2, // BFLOAT16
};
const FLOAT_TYPES: ReadonlySet<number> = new Set([1, 10, 11, 16]);

const count = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** Whether the values of a tensor of this type and dims are decoded. */
export function wantsValues(dataType: number, dims: readonly number[]): boolean {
  if (WIDTH[dataType] === undefined || dims.some((d) => d < 0)) return false;
  const limit = FLOAT_TYPES.has(dataType) ? MAX_FLOAT_VALUES : MAX_INTEGER_VALUES;
  return count(dims) <= limit;
}

type Long = { toNumber(): number };
const num = (v: unknown): number => (typeof v === 'number' ? v : (v as Long).toNumber());

/** IEEE 754 half precision bits → number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** bfloat16 bits → number (the top half of a float32). */
function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16, false);
  return view.getFloat32(0, false);
}

function fromRaw(raw: Uint8Array, dataType: number, n: number): number[] | undefined {
  const width = WIDTH[dataType] ?? 0;
  if (raw.byteLength !== width * n) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const at = (k: number): number => {
    const o = k * width;
    switch (dataType) {
      case 1:
        return view.getFloat32(o, true);
      case 11:
        return view.getFloat64(o, true);
      case 7:
        return Number(view.getBigInt64(o, true));
      case 13:
        return Number(view.getBigUint64(o, true));
      case 6:
        return view.getInt32(o, true);
      case 12:
        return view.getUint32(o, true);
      case 5:
        return view.getInt16(o, true);
      case 4:
        return view.getUint16(o, true);
      case 3:
        return view.getInt8(o);
      case 10:
        return halfToNumber(view.getUint16(o, true));
      case 16:
        return bfloat16ToNumber(view.getUint16(o, true));
      default:
        return view.getUint8(o); // UINT8, BOOL
    }
  };
  return Array.from({ length: n }, (_, k) => at(k));
}

/** The typed field that holds elements of `dataType` when `raw_data` is not used (onnx.proto). */
function typedField(dataType: number): string {
  if (dataType === 1) return 'float_data';
  if (dataType === 11) return 'double_data';
  if (dataType === 7) return 'int64_data';
  if (dataType === 12 || dataType === 13) return 'uint64_data';
  return 'int32_data'; // INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16 and BFLOAT16 bits
}

/**
 * Values of a fully decoded TensorProto message, or undefined when its data is absent or does
 * not match its dims (the tensor is then treated as data of unknown value).
 */
export function tensorValues(
  message: Readonly<Record<string, unknown>>,
  dataType: number,
  dims: readonly number[],
): number[] | undefined {
  const n = count(dims);
  const raw = message['raw_data'];
  if (raw instanceof Uint8Array && raw.byteLength > 0) return fromRaw(raw, dataType, n);
  const typed = message[typedField(dataType)];
  if (!Array.isArray(typed) || typed.length !== n) return undefined;
  const values = typed.map(num);
  if (dataType === 10) return values.map(halfToNumber);
  if (dataType === 16) return values.map(bfloat16ToNumber);
  return values;
}
