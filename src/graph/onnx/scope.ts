/**
 * Name scopes for inlined subgraphs. ONNX names are unique within a graph, and a subgraph (If
 * branch, Loop body, function body) may read any name of the scopes around it (IR.md, "Names
 * Within a Graph" / "Nested Subgraphs"). Inlining renames every value a subgraph defines to a
 * fresh global name (prefixed with the calling node), so one flat table holds the whole model
 * and a Loop body unrolled k times defines k distinct values.
 * @see https://github.com/onnx/onnx/blob/main/docs/IR.md#names-within-a-graph
 */
import type { ImportContext } from './context.js';

export class Scope {
  private readonly local = new Map<string, string>();

  /**
   * @param prefix prepended to the names this scope defines ('' at the top level)
   * @param parent the enclosing scope, searched for names not defined here
   */
  constructor(
    private readonly ctx: ImportContext,
    readonly prefix: string,
    private readonly parent?: Scope,
  ) {}

  /** The global name of a value visible here; unknown names map to themselves. */
  lookup(name: string): string {
    if (name === '') return '';
    return this.local.get(name) ?? this.parent?.lookup(name) ?? name;
  }

  /** Define a value in this scope and return its global name. */
  define(name: string): string {
    if (name === '') return '';
    const global = this.parent === undefined ? name : this.ctx.fresh(`${this.prefix}${name}`);
    this.local.set(name, global);
    return global;
  }

  /** Bind a local name to an existing global value (subgraph inputs, function parameters). */
  bind(name: string, global: string): void {
    if (name !== '') this.local.set(name, global);
  }

  child(prefix: string): Scope {
    return new Scope(this.ctx, prefix, this);
  }
}
