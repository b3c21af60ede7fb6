/**
 * The one error type of operator-graph ingestion: user input that is not a valid graph.
 * The edge maps it to 400 with `field` (under `model.`) as the issue path.
 */
import { DomainError } from '../../base/index.js';

export class GraphInputError extends DomainError {
  override readonly name = 'GraphInputError';
  readonly code = 'invalid-input';
  declare readonly field: string;
  /**
   * @param field JSON path of the offending value, e.g. `graph.nodes[3].inputs[1]`
   * @param message what is wrong, naming the node or tensor
   */
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, field);
  }
}
