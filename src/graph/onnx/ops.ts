/**
 * The ONNX op → converter table. Ops resolve in the default domain ('' / 'ai.onnx') and in
 * 'com.microsoft' (ONNX Runtime contrib ops such as SimplifiedLayerNormalization); an op in any
 * other domain is reported as `<domain>.<op_type>`. Shape, Size and the shape arithmetic fold
 * (fold.ts) before a converter runs; If and Loop are inlined by run-graph.ts (control-flow.ts).
 * Every op listed here has a cost rule (cost.ts); an op that is not listed is reported as
 * unsupported.
 * @see https://github.com/onnx/onnx/blob/main/docs/Operators.md
 */
import type { Converter } from './ops-common.js';
import { convertConv } from './ops-conv.js';
import {
  convertEinsum,
  convertExpand,
  convertIndexed,
  convertPad,
  convertResize,
  convertSlice,
  convertSplit,
  convertTile,
} from './ops-data.js';
import { convertGather, convertGemm, convertMatMul } from './ops-linear.js';
import { convertChannelNorm, convertNorm, convertOtherNorm } from './ops-norm.js';
import {
  UNARY_OPS,
  convertBinary,
  convertSoftmax,
  convertUnary,
  convertWhere,
} from './ops-pointwise.js';
import { convertRecurrent } from './ops-recurrent.js';
import { convertGlobalPool, convertPool, convertReduce } from './ops-reduce.js';
import {
  convertConcat,
  convertConstant,
  convertConstantOfShape,
  convertDepthSpace,
  convertFlatten,
  convertPassThrough,
  convertRange,
  convertReshape,
  convertShapeOf,
  convertSqueeze,
  convertTranspose,
  convertUnsqueeze,
} from './ops-shape.js';

const table = (ops: readonly string[], c: Converter): [string, Converter][] =>
  ops.map((op) => [op, c]);

const CONVERTERS: ReadonlyMap<string, Converter> = new Map([
  ...table(['MatMul'], convertMatMul),
  ...table(['Gemm'], convertGemm),
  ...table(['Conv', 'ConvTranspose'], convertConv),
  ...table(['Gather'], convertGather),
  ...table(['Einsum'], convertEinsum),
  ...table(UNARY_OPS, convertUnary),
  ...table(
    ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Mean', 'PRelu', 'BitShift'],
    convertBinary,
  ),
  ...table(
    ['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor'],
    convertBinary,
  ),
  ...table(['Where'], convertWhere),
  ...table(['Softmax', 'LogSoftmax', 'Hardmax'], convertSoftmax),
  ...table(
    [
      'LayerNormalization',
      'SimplifiedLayerNormalization',
      'RMSNormalization',
      'SkipLayerNormalization',
      'SkipSimplifiedLayerNormalization',
    ],
    convertNorm,
  ),
  ...table(['BatchNormalization', 'InstanceNormalization'], convertChannelNorm),
  ...table(['GroupNormalization', 'LpNormalization'], convertOtherNorm),
  ...table(
    [
      'ReduceMean',
      'ReduceSum',
      'ReduceMax',
      'ReduceMin',
      'ReduceProd',
      'ReduceL1',
      'ReduceL2',
      'ReduceLogSumExp',
      'ReduceSumSquare',
      'ArgMax',
      'ArgMin',
    ],
    convertReduce,
  ),
  ...table(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'], convertGlobalPool),
  ...table(['AveragePool', 'MaxPool', 'LpPool'], convertPool),
  ...table(['Reshape'], convertReshape),
  ...table(['Flatten'], convertFlatten),
  ...table(['Squeeze'], convertSqueeze),
  ...table(['Unsqueeze'], convertUnsqueeze),
  ...table(['DepthToSpace', 'SpaceToDepth'], convertDepthSpace),
  ...table(['Transpose'], convertTranspose),
  ...table(['Concat'], convertConcat),
  ...table(['Identity', 'Dropout', 'Cast', 'CastLike'], convertPassThrough),
  ...table(['Constant'], convertConstant),
  ...table(['ConstantOfShape'], convertConstantOfShape),
  ...table(['Range'], convertRange),
  ...table(['Shape', 'Size'], convertShapeOf),
  ...table(['Slice'], convertSlice),
  ...table(['Pad'], convertPad),
  ...table(['Resize', 'Upsample'], convertResize),
  ...table(['Expand'], convertExpand),
  ...table(['Tile'], convertTile),
  ...table(['Split'], convertSplit),
  ...table(['GatherElements', 'GatherND', 'ScatterND', 'ScatterElements'], convertIndexed),
  ...table(['LSTM', 'GRU', 'RNN'], convertRecurrent),
]);

/** Ops run by the graph runner itself (subgraph inlining). */
export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(['If', 'Loop']);

/** Domains whose op names are looked up in the table. */
const KNOWN_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'com.microsoft']);

/** The name an op is reported by: `op_type`, qualified with its domain outside the known ones. */
export function opName(opType: string, domain: string): string {
  return KNOWN_DOMAINS.has(domain) ? opType : `${domain}.${opType}`;
}

/** The converter for an op, or undefined when Strata has no mapping for it. */
export function converterFor(opType: string, domain: string): Converter | undefined {
  return KNOWN_DOMAINS.has(domain) ? CONVERTERS.get(opType) : undefined;
}

/** Whether an op has a mapping (a converter, or control flow inlined by the runner). */
export function isSupported(opType: string, domain: string): boolean {
  return (
    converterFor(opType, domain) !== undefined ||
    (KNOWN_DOMAINS.has(domain) && CONTROL_FLOW_OPS.has(opType))
  );
}
