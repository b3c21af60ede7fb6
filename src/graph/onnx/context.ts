/**
 * Per-import state: what is known about every ONNX value (shape, dtype, constant data), the
 * operator-graph tensors and nodes emitted so far, and pass-through aliases. One instance per
 * `importOnnx` call; nothing is shared between calls.
 */
import {
  GraphInputError,
  inferOutputShape,
  type Dtype,
  type OperatorGraphJson,
  type OperatorKind,
} from '../operator-graph/index.js';
import { OnnxImportError } from './errors.js';
import type { GraphProtoObject, ValueInfoProtoObject } from './schema.js';
import {
  UNNAMED_DIM,
  dtypeOf,
  integerValues,
  isParameter,
  resolveDims,
  type OnnxImportOptions,
} from './tensors.js';

export interface TensorJson {
  shape: number[];
  dtype?: Dtype;
  parameter?: boolean;
}

/** One node of the operator-graph JSON, with `attributes` always present. */
export type NodeJson = Required<OperatorGraphJson['nodes'][number]>;
type AttributeJson = NodeJson['attributes'][string];

/** One node to emit; `output` is an ONNX value name or a name from {@link ImportContext.fresh}. */
export interface Emit {
  readonly id: string;
  readonly op: OperatorKind;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly attributes?: Readonly<Record<string, AttributeJson>>;
  /** dtype of the output; defaults to the value_info type, else the first input's. */
  readonly dtype?: Dtype | undefined;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

export class ImportContext {
  readonly tensors = new Map<string, TensorJson>();
  readonly nodes: NodeJson[] = [];
  private readonly shapes = new Map<string, number[]>();
  private readonly dtypes = new Map<string, Dtype | undefined>();
  private readonly constants = new Map<string, number[]>();
  private readonly initializers = new Set<string>();
  /** Outputs of `Constant` nodes: constant, never trainable. */
  private readonly constantNodes = new Set<string>();
  private readonly aliases = new Map<string, string>();
  private readonly valueInfo = new Map<string, { info: ValueInfoProtoObject; field: string }>();
  private readonly batchParams = new Set<string>();
  private readonly usedNames = new Set<string>();

  constructor(
    graph: GraphProtoObject,
    private readonly options: OnnxImportOptions,
  ) {
    const infoLists = [
      ['value_info', graph.value_info],
      ['output', graph.output],
    ] as const;
    for (const [list, infos] of infoLists)
      infos.forEach((info, i) =>
        this.valueInfo.set(info.name, { info, field: `model.graph.${list}[${i}]` }),
      );
    graph.initializer.forEach((t) => {
      this.initializers.add(t.name);
      this.shapes.set(t.name, t.dims);
      this.dtypes.set(t.name, dtypeOf(t.data_type));
      const values = integerValues(t);
      if (values !== undefined) this.constants.set(t.name, values);
    });
    for (const input of graph.input) {
      const first = input.type?.tensor_type?.shape?.dim[0];
      if (first === undefined) continue;
      this.batchParams.add(first.value === 'dim_param' ? (first.dim_param ?? '') : UNNAMED_DIM);
    }
    graph.input.forEach((input, i) => {
      if (this.initializers.has(input.name)) return; // an initializer's dims win (IR.md)
      const field = `model.graph.input[${i}]`;
      const shape = this.resolveInfo(input, field);
      if (shape === undefined)
        throw new OnnxImportError(
          `${field}.type`,
          `graph input '${input.name}' has no tensor shape`,
        );
      this.shapes.set(input.name, shape);
      this.dtypes.set(input.name, dtypeOf(input.type?.tensor_type?.elem_type ?? 0));
    });
  }

  private resolveInfo(info: ValueInfoProtoObject, field: string): number[] | undefined {
    const dims = info.type?.tensor_type?.shape?.dim;
    if (dims === undefined) return undefined;
    const shapeField = `${field}.type.tensor_type.shape`;
    return resolveDims(info.name, dims, this.options, this.batchParams, shapeField);
  }

  /** The value_info/graph-output shape of `name`, or undefined when absent or not resolvable. */
  declaredShape(name: string): number[] | undefined {
    const entry = this.valueInfo.get(name);
    if (entry === undefined) return undefined;
    try {
      return this.resolveInfo(entry.info, entry.field);
    } catch (error) {
      if (error instanceof OnnxImportError) return undefined;
      throw error;
    }
  }

  /** Follow pass-through aliases (Identity, Dropout, Cast) to the value that carries the data. */
  resolve(name: string): string {
    let current = name;
    for (let next = this.aliases.get(current); next !== undefined; next = this.aliases.get(current))
      current = next;
    return current;
  }

  alias(output: string, input: string): void {
    this.aliases.set(output, this.resolve(input));
  }

  /** The (ONNX) shape of a value; throws naming the value when nothing produced it. */
  shape(name: string, field: string): number[] {
    const shape = this.shapes.get(this.resolve(name));
    if (shape === undefined)
      throw new OnnxImportError(
        field,
        `tensor '${name}' has no known shape (not a graph input or initializer, and not the ` +
          'first output of a supported node)',
      );
    return shape;
  }

  dtype(name: string): Dtype | undefined {
    return this.dtypes.get(this.resolve(name));
  }

  /** Integer data of an initializer or Constant, e.g. a Reshape `shape` operand. */
  constant(name: string): number[] | undefined {
    return this.constants.get(this.resolve(name));
  }

  /** Whether a value is constant data (a graph initializer or a `Constant` node's output). */
  isInitializer(name: string): boolean {
    const resolved = this.resolve(name);
    return this.initializers.has(resolved) || this.constantNodes.has(resolved);
  }

  /** Record a `Constant` node's value (it emits no node; the value becomes a constant tensor). */
  defineConstant(name: string, shape: number[], dtype: Dtype | undefined, values?: number[]): void {
    this.constantNodes.add(name);
    this.shapes.set(name, shape);
    this.dtypes.set(name, dtype);
    if (values !== undefined) this.constants.set(name, values);
  }

  /**
   * Declare `name` as an operator-graph tensor (once) and return the name to reference.
   * @param shape the declared shape when it differs from the ONNX one (Gemm `transB` weights,
   *   `[1, N]` biases); returns undefined if the tensor is already declared with another shape
   */
  use(name: string, field: string, shape?: readonly number[]): string | undefined {
    const resolved = this.resolve(name);
    const onnxShape = this.shape(name, field);
    const wanted = [...(shape ?? onnxShape)];
    const existing = this.tensors.get(resolved);
    if (existing !== undefined) return sameShape(existing.shape, wanted) ? resolved : undefined;
    const dtype = this.dtype(resolved);
    const tensor: TensorJson = { shape: wanted };
    if (dtype !== undefined) tensor.dtype = dtype;
    if (this.initializers.has(resolved) && isParameter(dtype, onnxShape)) tensor.parameter = true;
    this.tensors.set(resolved, tensor);
    this.usedNames.add(resolved);
    return resolved;
  }

  /** Like {@link use} without a shape override, so the declaration always succeeds. */
  ref(name: string, field: string): string {
    return this.use(name, field) ?? this.resolve(name);
  }

  /** A tensor name not taken by any ONNX value or emitted tensor, e.g. `x/transposed`. */
  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.shapes.has(name) || this.usedNames.has(name); k++) name = `${base}_${k}`;
    this.usedNames.add(name);
    return name;
  }

  /**
   * Append one operator-graph node: infer its output shape with the operator-graph rules, check
   * it against the ONNX value_info when one is declared and resolvable, declare the output.
   * @throws OnnxImportError at `field` when the operands do not fit the op
   */
  emit(e: Emit, field: string): void {
    const attributes = { ...(e.attributes ?? {}) };
    const inputs = e.inputs.map((t) => this.tensors.get(t)?.shape ?? []);
    let shape: number[];
    try {
      shape = [...inferOutputShape({ nodeId: e.id, path: field, op: e.op, inputs, attributes })];
    } catch (error) {
      if (error instanceof GraphInputError)
        throw new OnnxImportError(error.field, error.message.slice(error.field.length + 2));
      throw error;
    }
    const declared = this.declaredShape(e.output);
    if (declared !== undefined && !sameShape(declared, shape))
      throw new OnnxImportError(
        field,
        `node '${e.id}': value_info declares '${e.output}' as [${declared.join(', ')}] but ` +
          `${e.op} gives [${shape.join(', ')}]`,
      );
    const info = this.valueInfo.get(e.output)?.info.type?.tensor_type?.elem_type;
    const dtype =
      (info === undefined ? undefined : dtypeOf(info)) ?? e.dtype ?? this.dtype(e.inputs[0] ?? '');
    this.shapes.set(e.output, shape);
    this.dtypes.set(e.output, dtype);
    this.usedNames.add(e.output);
    this.tensors.set(e.output, dtype === undefined ? { shape } : { shape, dtype });
    this.nodes.push({ id: e.id, op: e.op, inputs: [...e.inputs], outputs: [e.output], attributes });
  }
}
