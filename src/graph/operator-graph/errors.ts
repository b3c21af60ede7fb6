/**
 * The one error type of operator-graph ingestion: user input that is not a valid graph.
 * The edge maps it to 400 with `field` (under `model.`) as the issue path.
 */
import { FieldInputError } from '../../base/index.js';

/**
 * Its field is the JSON path of the offending value, e.g. `graph.nodes[3].inputs[1]`; its
 * message says what is wrong, naming the node or tensor.
 */
export class GraphInputError extends FieldInputError {
  override readonly name = 'GraphInputError';
}
