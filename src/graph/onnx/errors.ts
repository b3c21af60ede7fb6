/**
 * The one error type of ONNX import: bytes that are not a ModelProto Strata can turn into an
 * operator graph. The HTTP layer maps it to 400 (like `GraphInputError`), with `field` as the
 * issue path and, when ops are missing, every unsupported op name in `unsupportedOps`.
 */
import { DomainError } from '../../base/index.js';

export class OnnxImportError extends DomainError {
  override readonly name = 'OnnxImportError';
  readonly code = 'invalid-input';
  declare readonly field: string;
  /** ONNX op types (domain-qualified outside the default domains) that have no mapping. */
  declare readonly unsupportedOps?: readonly string[];

  /**
   * @param field protobuf path of the offending value, e.g. `model.graph.node[3]` or
   *   `model.graph.input[0].type.tensor_type.shape.dim[0]`
   * @param message what is wrong, naming the node or tensor
   * @param unsupportedOps every op type without a mapping (only for that failure)
   */
  constructor(field: string, message: string, unsupportedOps?: readonly string[]) {
    super(`${field}: ${message}`, field);
    if (unsupportedOps !== undefined) this.unsupportedOps = unsupportedOps;
  }
}
