/**
 * Per-import state: what is known about every ONNX value (shape, element type, constant values,
 * whether it is stored data), the operator-graph tensors and nodes emitted so far, pass-through
 * aliases, and where each stored weight went (parameter or buffer). One instance per import;
 * nothing is shared between calls. Values of inlined subgraphs have unique global names
 * (scope.ts), so every map here is flat.
 */
import {
  DTYPE_BYTES,
  DEFAULT_DTYPE,
  GraphInputError,
  inferOutputShape,
  type Dtype,
  type OperatorKind,
} from '../operator-graph/index.js';
import type { DimBinder } from './dims.js';
import { OnnxImportError } from './errors.js';
import type { OnnxTensor, OnnxValueInfo } from './model-types.js';
import { dtypeOf, elementCount, isWeightTensor } from './tensors.js';

export interface TensorJson {
  shape: number[];
  dtype?: Dtype;
  parameter?: boolean;
}

type AttributeJson = number | string | boolean | number[];

/** One node of the operator-graph JSON. */
export interface NodeJson {
  id: string;
  op: OperatorKind;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeJson>;
  cost: { forwardFlops: number; forwardBytes: number };
}

/** One node to emit; `inputs` are names returned by {@link ImportContext.use}/`ref`. */
export interface Emit {
  readonly id: string;
  readonly op: OperatorKind;
  readonly inputs: readonly string[];
  /** An ONNX value name or a name from {@link ImportContext.fresh}. */
  readonly output: string;
  readonly attributes?: Readonly<Record<string, AttributeJson>>;
  /** FLOPs of this node's forward pass, from the op's cost rule (cost.ts); a function of the
   *  inferred output shape when the rule needs it. */
  readonly forwardFlops: number | ((outShape: readonly number[]) => number);
  /** dtype of the output; defaults to the value_info type, else the first input's. */
  readonly dtype?: Dtype | undefined;
  /** ONNX element type of the output (defaults to the first input's). */
  readonly elemType?: number;
}

/** Where a stored float tensor of rank ≥ 1 ended up. */
export type WeightUse = 'parameter' | 'buffer';

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

export class ImportContext {
  readonly tensors = new Map<string, TensorJson>();
  readonly nodes: NodeJson[] = [];
  /** Each stored weight (by identity: a Loop body's weight is one tensor) and its use. */
  readonly weightUse = new Map<OnnxTensor, WeightUse>();
  private readonly shapes = new Map<string, number[]>();
  private readonly elemTypes = new Map<string, number>();
  private readonly values = new Map<string, readonly number[]>();
  private readonly stored = new Map<string, OnnxTensor>();
  private readonly storedName = new Map<OnnxTensor, string>();
  private readonly aliases = new Map<string, string>();
  private readonly valueInfo = new Map<string, OnnxValueInfo>();
  private readonly taken = new Set<string>();
  private readonly ids = new Set<string>();

  constructor(readonly dims: DimBinder) {}

  /** Remember value_info/graph-output declarations (checked against inferred shapes). */
  declareInfo(infos: readonly OnnxValueInfo[]): void {
    for (const info of infos) this.valueInfo.set(info.name, info);
  }

  /** A runtime value (graph input or op output) of known shape; `values` when known. */
  define(
    name: string,
    shape: readonly number[],
    elemType: number,
    values?: readonly number[],
  ): void {
    this.shapes.set(name, [...shape]);
    this.elemTypes.set(name, elemType);
    this.taken.add(name);
    if (values !== undefined) this.values.set(name, values);
  }

  /** Stored data (initializer or Constant value). The same tensor twice is one value (alias). */
  defineStored(name: string, tensor: OnnxTensor): void {
    const existing = this.storedName.get(tensor);
    if (existing !== undefined && existing !== name) {
      this.alias(name, existing);
      this.taken.add(name);
      return;
    }
    this.storedName.set(tensor, name);
    this.stored.set(name, tensor);
    this.define(name, tensor.dims, tensor.dataType, tensor.values);
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
    this.taken.add(output);
  }

  has(name: string): boolean {
    return this.shapes.has(this.resolve(name));
  }

  /** The (ONNX) shape of a value; throws naming the value when nothing produced it. */
  shape(name: string, field: string): number[] {
    const shape = this.shapes.get(this.resolve(name));
    if (shape === undefined)
      throw new OnnxImportError(
        field,
        `tensor '${name}' has no known shape (not a graph input, initializer or node output)`,
      );
    return shape;
  }

  elemType(name: string): number {
    return this.elemTypes.get(this.resolve(name)) ?? 0;
  }

  dtype(name: string): Dtype | undefined {
    return dtypeOf(this.elemType(name));
  }

  /** Known element values (folded shape arithmetic, small stored tensors, inputValues). */
  value(name: string): readonly number[] | undefined {
    return this.values.get(this.resolve(name));
  }

  /** Whether a value is stored data (an initializer or a `Constant`), not computed at run time. */
  isStored(name: string): boolean {
    return this.stored.has(this.resolve(name));
  }

  /** A stored value was read for its values (folding, attributes): a buffer unless a parameter. */
  consume(name: string): void {
    const tensor = this.stored.get(this.resolve(name));
    if (tensor === undefined || !isWeightTensor(tensor.dataType, tensor.dims)) return;
    if (this.weightUse.get(tensor) !== 'parameter') this.weightUse.set(tensor, 'buffer');
  }

  /**
   * Declare `name` as an operator-graph tensor (once) and return the name to reference. Stored
   * float tensors of rank ≥ 1 become parameters.
   * @param shape the declared shape when it differs from the ONNX one (same elements: Gemm
   *   `transB` weights, per-channel vectors); undefined when already declared with another shape
   */
  use(name: string, field: string, shape?: readonly number[]): string | undefined {
    const resolved = this.resolve(name);
    const onnxShape = this.shape(name, field);
    const wanted = [...(shape ?? onnxShape)];
    if (wanted.length === 0) wanted.push(1); // scalars broadcast as [1]
    const existing = this.tensors.get(resolved);
    if (existing !== undefined) return sameShape(existing.shape, wanted) ? resolved : undefined;
    const dtype = this.dtype(resolved);
    const tensor: TensorJson = { shape: wanted };
    if (dtype !== undefined) tensor.dtype = dtype;
    const stored = this.stored.get(resolved);
    if (stored !== undefined && isWeightTensor(stored.dataType, stored.dims)) {
      tensor.parameter = true;
      this.weightUse.set(stored, 'parameter');
    }
    this.tensors.set(resolved, tensor);
    return resolved;
  }

  /** {@link use} with a reshaped declaration when the name is taken with another shape. */
  ref(name: string, field: string, shape?: readonly number[]): string {
    const declared = this.use(name, field, shape);
    if (declared !== undefined) return declared;
    const resolved = this.resolve(name);
    const out = this.fresh(`${resolved}/as`);
    const target = [...(shape ?? this.shape(name, field))];
    this.emit(
      {
        id: this.nodeId(`${resolved}/reshape`),
        op: 'reshape',
        inputs: [resolved],
        output: out,
        attributes: { shape: target.length === 0 ? [1] : target },
        forwardFlops: 0,
      },
      field,
      target.length === 0 ? [1] : target,
    );
    return out;
  }

  /** A value name not taken by any ONNX value or emitted tensor, e.g. `x/transposed`. */
  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.taken.has(name) || this.tensors.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }

  /** A unique operator-graph node id from `base`. */
  nodeId(base: string): string {
    let id = base === '' ? 'node' : base;
    for (let k = 2; this.ids.has(id); k++) id = `${base}_${k}`;
    this.ids.add(id);
    return id;
  }

  /** value_info shape of `name` when declared and fully resolvable. */
  declaredShape(name: string): number[] | undefined {
    const info = this.valueInfo.get(name);
    return info === undefined ? undefined : this.dims.tryResolve(info);
  }

  /**
   * Drop an operator-graph tensor no node reads any more (after fusion); a stored weight it
   * declared is then only read for its value (a buffer), not trained.
   */
  release(name: string): void {
    const tensor = this.stored.get(name);
    if (tensor !== undefined && this.weightUse.get(tensor) === 'parameter')
      this.weightUse.set(tensor, 'buffer');
    this.tensors.delete(name);
  }

  /** Bytes of a declared operator-graph tensor (elements × dtype bytes). */
  bytesOf(name: string): number {
    const t = this.tensors.get(name);
    return t === undefined ? 0 : elementCount(t.shape) * DTYPE_BYTES[t.dtype ?? DEFAULT_DTYPE];
  }

  /**
   * Append one operator-graph node: infer its output shape with the operator-graph rules (or
   * take `explicit` for `explicitShape` reshapes), check it against a declared value_info shape,
   * declare the output, and attach the cost (FLOPs from the rule, bytes read + written).
   * @throws OnnxImportError at `field` when the operands do not fit the op
   */
  emit(e: Emit, field: string, explicit?: readonly number[]): void {
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
    if (explicit !== undefined && !sameShape(explicit, shape))
      throw new OnnxImportError(field, `node '${e.id}': internal shape mismatch`);
    const declared = this.declaredShape(e.output);
    if (declared !== undefined && declared.length > 0 && !sameShape(declared, shape))
      throw new OnnxImportError(
        field,
        `node '${e.id}': value_info declares '${e.output}' as [${declared.join(', ')}] but ` +
          `${e.op} gives [${shape.join(', ')}]`,
      );
    const elemType =
      this.valueInfo.get(e.output)?.elemType || e.elemType || this.elemType(e.inputs[0] ?? '');
    const dtype = dtypeOf(elemType) ?? e.dtype ?? this.dtype(e.inputs[0] ?? '');
    this.define(e.output, shape, elemType);
    this.tensors.set(e.output, dtype === undefined ? { shape } : { shape, dtype });
    const forwardBytes = [...e.inputs, e.output].reduce((s, t) => s + this.bytesOf(t), 0);
    this.nodes.push({
      id: e.id,
      op: e.op,
      inputs: [...e.inputs],
      outputs: [e.output],
      attributes,
      cost: {
        forwardFlops: typeof e.forwardFlops === 'number' ? e.forwardFlops : e.forwardFlops(shape),
        forwardBytes,
      },
    });
  }
}
