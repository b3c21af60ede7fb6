/** Plain-text tables and number formatting for the CLI. */

/** Columns padded to their widest cell; numeric-looking cells are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d.,]+\s*%?$/;
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return numeric.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Two-column "label  value" lines. */
export function keyValues(pairs: readonly (readonly [string, string])[], indent = ''): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}

const GIB = 2 ** 30;

export const gib = (bytes: number): string => `${(bytes / GIB).toFixed(1)} GiB`;
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
export const seconds = (s: number): string =>
  s === 0
    ? '0'
    : s >= 1
      ? `${s.toFixed(3)} s`
      : s >= 1e-3
        ? `${(s * 1e3).toFixed(2)} ms`
        : `${(s * 1e6).toFixed(1)} µs`;
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');
export const bytesPerSecond = (b: number): string => `${(b / 1e9).toFixed(0)} GB/s`;
