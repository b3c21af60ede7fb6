/**
 * The ONNX op → converter table. Ops resolve in the default domain ('' / 'ai.onnx') and in
 * 'com.microsoft' (ONNX Runtime contrib ops such as SimplifiedLayerNormalization); an op in any
 * other domain is reported as `<domain>.<op_type>`.
 * @see https://github.com/onnx/onnx/blob/main/docs/Operators.md
 */
import type { Converter } from './ops-common.js';
import { convertConv, convertGather, convertGemm, convertMatMul } from './ops-linear.js';
import {
  convertBinary,
  convertGlobalPool,
  convertNorm,
  convertPool,
  convertReduce,
  convertUnary,
} from './ops-pointwise.js';
import {
  convertConcat,
  convertConstant,
  convertFlatten,
  convertPassThrough,
  convertReshape,
  convertSqueeze,
  convertTranspose,
  convertUnsqueeze,
} from './ops-shape.js';

const CONVERTERS: Readonly<Record<string, Converter>> = {
  MatMul: convertMatMul,
  Gemm: convertGemm,
  Conv: convertConv,
  Gather: convertGather,
  Relu: convertUnary,
  Gelu: convertUnary,
  Silu: convertUnary,
  Swish: convertUnary,
  Sigmoid: convertUnary,
  Tanh: convertUnary,
  Erf: convertUnary,
  Softmax: convertUnary,
  LogSoftmax: convertUnary,
  Add: convertBinary,
  Sub: convertBinary,
  Mul: convertBinary,
  Div: convertBinary,
  LayerNormalization: convertNorm,
  SimplifiedLayerNormalization: convertNorm,
  RMSNormalization: convertNorm,
  ReduceMean: convertReduce,
  ReduceSum: convertReduce,
  ReduceMax: convertReduce,
  GlobalAveragePool: convertGlobalPool,
  GlobalMaxPool: convertGlobalPool,
  AveragePool: convertPool,
  MaxPool: convertPool,
  Reshape: convertReshape,
  Flatten: convertFlatten,
  Squeeze: convertSqueeze,
  Unsqueeze: convertUnsqueeze,
  Transpose: convertTranspose,
  Concat: convertConcat,
  Identity: convertPassThrough,
  Dropout: convertPassThrough,
  Cast: convertPassThrough,
  Constant: convertConstant,
};

/** Domains whose op names are looked up in the table. */
const KNOWN_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'com.microsoft']);

/** The name an op is reported by: `op_type`, qualified with its domain outside the known ones. */
export function opName(opType: string, domain: string): string {
  return KNOWN_DOMAINS.has(domain) ? opType : `${domain}.${opType}`;
}

/** The converter for an op, or undefined when Strata has no mapping for it. */
export function converterFor(opType: string, domain: string): Converter | undefined {
  return KNOWN_DOMAINS.has(domain) && Object.hasOwn(CONVERTERS, opType)
    ? CONVERTERS[opType]
    : undefined;
}
