/**
 * The one error type of operator-graph ingestion: user input that is not a valid graph.
 * The HTTP layer maps it to 400 with `field` as the issue path.
 */
export class GraphInputError extends Error {
  override readonly name = 'GraphInputError';
  /**
   * @param field JSON path of the offending value, e.g. `graph.nodes[3].inputs[1]`
   * @param message what is wrong, naming the node or tensor
   */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
