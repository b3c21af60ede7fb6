/**
 * Content hashes: canonical JSON (sorted keys) → SHA-256 hex. Same content ⇒ same id.
 *
 * The walk is iterative (an explicit stack, not recursion), so a request nested 100,000 levels
 * deep hashes like any other instead of overflowing the call stack (issue #17: arrays nested
 * ≥ 3,200 deep threw RangeError here and answered 500).
 */
import { createHash } from 'node:crypto';

/** A pending piece of output: a value still to write, or literal text (a bracket, a comma, a key). */
type Piece = { readonly value: unknown } | { readonly text: string };

/** Object entries with defined values, sorted by key (code-unit order, as before). */
function sortedEntries(value: object): [string, unknown][] {
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The pieces of an array or object, in output order (pushed reversed onto the stack). */
function children(value: object): Piece[] {
  if (Array.isArray(value)) {
    const pieces: Piece[] = [{ text: '[' }];
    value.forEach((item: unknown, i) => {
      if (i > 0) pieces.push({ text: ',' });
      pieces.push({ value: item });
    });
    pieces.push({ text: ']' });
    return pieces;
  }
  const pieces: Piece[] = [{ text: '{' }];
  sortedEntries(value).forEach(([k, v], i) => {
    pieces.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` }, { value: v });
  });
  pieces.push({ text: '}' });
  return pieces;
}

/** JSON with object keys sorted at every depth, so key order never changes a hash. */
export function canonicalJson(root: unknown): string {
  const out: string[] = [];
  const stack: Piece[] = [{ value: root }];
  for (let piece = stack.pop(); piece !== undefined; piece = stack.pop()) {
    if ('text' in piece) {
      out.push(piece.text);
      continue;
    }
    const { value } = piece;
    if (value !== null && typeof value === 'object') {
      const parts = children(value);
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i] as Piece);
    } else {
      // Array holes and undefined items print as null, as JSON.stringify does.
      out.push(JSON.stringify(value) ?? 'null');
    }
  }
  return out.join('');
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
