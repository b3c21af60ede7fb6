/**
 * The least-recently-used map behind the plan cache and the ONNX model cache: bounded in bytes
 * (each entry's exact serialised size) and optionally in entries. A Map's insertion order is its
 * recency: a get moves the entry to the back, eviction walks from the front.
 */

export interface ByteBoundedLru<V> {
  /** The entry, now the most recently used; undefined when absent. */
  get(key: string): V | undefined;
  /** The entry, now the most recently used; throws `notFound(key)` when absent. */
  require(key: string): V;
  /** Keeps the entry unless it alone is over maxEntryBytes; evicts least recently used. */
  set(key: string, value: V): void;
  readonly size: number;
  /** Bytes held by all entries. */
  readonly bytes: number;
}

export interface ByteBoundedLruOptions<V> {
  /** Exact bytes an entry holds. */
  readonly sizeOfBytes: (value: V) => number;
  /** Total bytes kept. */
  readonly maxBytes: number;
  /** Larger entries are not kept at all. */
  readonly maxEntryBytes: number;
  /** The error `require` throws for an absent key (a 404 that says what is kept). */
  readonly notFound: (key: string) => Error;
  /** Entries kept; default unbounded. */
  readonly maxEntries?: number;
}

/** An empty LRU bounded as `options` say. */
export function createByteBoundedLru<V>(options: ByteBoundedLruOptions<V>): ByteBoundedLru<V> {
  const { sizeOfBytes, maxBytes, maxEntryBytes, notFound } = options;
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const entries = new Map<string, V>();
  let bytes = 0;
  const remove = (key: string): void => {
    const old = entries.get(key);
    if (old === undefined) return;
    entries.delete(key);
    bytes -= sizeOfBytes(old);
  };
  const get = (key: string): V | undefined => {
    const value = entries.get(key);
    if (value !== undefined) {
      entries.delete(key);
      entries.set(key, value);
    }
    return value;
  };
  return {
    get,
    require(key) {
      const value = get(key);
      if (value === undefined) throw notFound(key);
      return value;
    },
    set(key, value) {
      remove(key);
      const size = sizeOfBytes(value);
      if (size > maxEntryBytes) return;
      entries.set(key, value);
      bytes += size;
      for (const oldest of entries.keys()) {
        if (bytes <= maxBytes && entries.size <= maxEntries) break;
        remove(oldest);
      }
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
