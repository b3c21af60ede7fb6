/**
 * Import options and the binding of symbolic graph-input dims to numbers: by name from
 * `dimParams`, sequence-like names from `sequenceLength`, batch-like dims from `batchSize`
 * (default {@link DEFAULT_BATCH_SIZE}).
 */
import { OnnxImportError } from './errors.js';
import type { OnnxDim, OnnxValueInfo } from './model-types.js';

export interface OnnxImportOptions {
  /**
   * Value of batch dims: axis 0 of a graph input when symbolic or unknown, and any dim named like
   * a batch (`batch`, `batch_size`, `N`, …). Default {@link DEFAULT_BATCH_SIZE}.
   */
  readonly batchSize?: number;
  /** Value of dims named like a sequence (`seq`, `sequence`, `sequence_length`, `seq_len`, …). */
  readonly sequenceLength?: number;
  /**
   * Values by `dim_param` name (e.g. `{ seq: 128 }`), or `'<input>[<axis>]'` for a dim with
   * neither value nor name (e.g. `{ 'input[1]': 512 }`). Wins over the two above.
   */
  readonly dimParams?: Readonly<Record<string, number>>;
  /**
   * Values of small graph inputs that steer control flow (e.g. a sample rate `sr` whose `If`
   * picks a branch): they fold like constants.
   */
  readonly inputValues?: Readonly<Record<string, number | readonly number[]>>;
}

/** Batch of one sample per micro-batch when the options give none. */
export const DEFAULT_BATCH_SIZE = 1;

const SEQUENCE_NAME = /^(seq|sequence)(_?len(gth)?)?$|^(num_)?tokens$|^sequence_length$/i;
const BATCH_NAME = /^(batch|batch_?size|bs|n|b)$/i;

export const isSequenceName = (name: string): boolean => SEQUENCE_NAME.test(name);

/** Binds dims; `batchParams` are the dim_param names found at axis 0 of the graph inputs. */
export class DimBinder {
  private readonly batchParams = new Set<string>();

  constructor(
    private readonly options: OnnxImportOptions,
    inputs: readonly OnnxValueInfo[],
  ) {
    for (const input of inputs) {
      const first = input.dims?.[0];
      if (first?.param !== undefined && first.param !== '') this.batchParams.add(first.param);
    }
  }

  private named(param: string): number | undefined {
    const o = this.options;
    const given = o.dimParams?.[param];
    if (given !== undefined) return given;
    if (isSequenceName(param) && o.sequenceLength !== undefined) return o.sequenceLength;
    if (this.batchParams.has(param) || BATCH_NAME.test(param))
      return o.batchSize ?? DEFAULT_BATCH_SIZE;
    return undefined;
  }

  /** One dim's value, or undefined when no option binds it. */
  value(tensor: string, dim: OnnxDim, axis: number): number | undefined {
    if (dim.value !== undefined && dim.value > 0) return dim.value;
    if (dim.param !== undefined && dim.param !== '') return this.named(dim.param);
    const byPosition = this.options.dimParams?.[`${tensor}[${axis}]`];
    if (byPosition !== undefined) return byPosition;
    return axis === 0 ? (this.options.batchSize ?? DEFAULT_BATCH_SIZE) : undefined;
  }

  /**
   * Resolve a graph input's shape.
   * @param field protobuf path of the value info, for errors
   * @throws OnnxImportError (`unresolved-dim`) naming the tensor, the dim and the option to pass
   */
  resolve(info: OnnxValueInfo, field: string): number[] {
    const dims = info.dims;
    if (dims === undefined)
      throw new OnnxImportError(
        `${field}.type`,
        `graph input '${info.name}' has no tensor shape`,
        undefined,
        'unresolved-dim',
      );
    return dims.map((d, axis) => {
      const value = this.value(info.name, d, axis);
      if (value !== undefined && Number.isInteger(value) && value > 0) return value;
      const named = d.param !== undefined && d.param !== '';
      const what = named ? `symbolic ('${d.param}')` : 'unknown';
      const key = named && d.param !== undefined ? d.param : `${info.name}[${axis}]`;
      const hint = `pass options.dimParams['${key}']${named && isSequenceName(key) ? ' or options.sequenceLength' : ''}`;
      const got = value === undefined ? '' : ` and got ${value}, not a positive integer`;
      throw new OnnxImportError(
        `${field}.type.tensor_type.shape.dim[${axis}]`,
        `tensor '${info.name}' dim ${axis} is ${what}${got}; ${hint}`,
        undefined,
        'unresolved-dim',
      );
    });
  }

  /** Resolve a value_info shape when every dim binds; undefined otherwise (never throws). */
  tryResolve(info: OnnxValueInfo): number[] | undefined {
    const dims = info.dims;
    if (dims === undefined) return undefined;
    const out: number[] = [];
    for (const d of dims) {
      if (d.value !== undefined && d.value > 0) out.push(d.value);
      else if (d.param !== undefined && d.param !== '' && this.named(d.param) !== undefined)
        out.push(this.named(d.param) as number);
      else return undefined;
    }
    return out;
  }
}
