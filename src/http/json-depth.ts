/**
 * Nesting depth of a JSON text, measured on the raw bytes before it is parsed (issue #17: arrays
 * nested ≥ 3,200 deep overflowed the stack of code that walks a request, and answered 500). No
 * request the API accepts nests deeper than a dozen levels; LIMITS.jsonDepth leaves ample room.
 * Strings are skipped with indexOf, so an 8 MB base64 ONNX string costs a few scans, not a loop
 * over each byte.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** Index of the quote that closes the string whose opening quote is at `open` (or length). */
function stringEnd(bytes: Uint8Array, open: number, buffer: Buffer): number {
  let at = open;
  for (;;) {
    at = buffer.indexOf(QUOTE, at + 1);
    if (at < 0) return bytes.length;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** True when the JSON text nests arrays/objects deeper than `maxDepth` (malformed text: as far as it goes). */
export function nestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) i = stringEnd(bytes, i, buffer);
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}
