/**
 * The one error type of ONNX import: bytes that are not a model Strata can turn into an operator
 * graph. Every case is the user's input (→ HTTP 4xx), never a bug: the HTTP layer maps it to 400
 * (413 for `too-large`), with `field` as the issue path, `reason` as a machine-readable code and,
 * when ops are missing, every unsupported op name in `unsupportedOps`.
 */
import { FieldInputError } from '../../base/index.js';

/** Why an import failed. */
export type OnnxImportReason =
  /** Not a protobuf ModelProto (wrong bytes, text, an empty file). */
  | 'not-onnx'
  /** The protobuf ends inside a field. */
  | 'truncated'
  /** Over the byte or node limit. */
  | 'too-large'
  /** A tensor keeps its data in another file (data_location EXTERNAL). */
  | 'external-data'
  /** Ops with no shape/cost rule (listed in `unsupportedOps`). */
  | 'unsupported-op'
  /** A symbolic or unknown dim with no value from the options. */
  | 'unresolved-dim'
  /** If/Loop whose condition or trip count does not fold to a constant. */
  | 'dynamic-control-flow'
  /** Anything else that makes the model unusable (bad shapes, missing inputs, bad attributes). */
  | 'invalid-model';

export class OnnxImportError extends FieldInputError {
  override readonly name = 'OnnxImportError';
  /** ONNX op types (domain-qualified outside the default domains) that have no mapping. */
  declare readonly unsupportedOps?: readonly string[];

  /**
   * @param field protobuf path of the offending value, e.g. `model.graph.node[3]` or
   *   `model.graph.input[0].type.tensor_type.shape.dim[0]`
   * @param message what is wrong, naming the node or tensor
   * @param unsupportedOps every op type without a mapping (only for that failure)
   * @param reason machine-readable cause; `unsupported-op` when `unsupportedOps` is given
   */
  constructor(
    field: string,
    message: string,
    unsupportedOps?: readonly string[],
    readonly reason: OnnxImportReason = unsupportedOps === undefined
      ? 'invalid-model'
      : 'unsupported-op',
  ) {
    super(field, message, {
      reason,
      ...(unsupportedOps === undefined ? {} : { unsupportedOps }),
    });
    if (unsupportedOps !== undefined) this.unsupportedOps = unsupportedOps;
  }
}
