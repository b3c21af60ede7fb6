/** Shell formatting shared by the command-line exporters. No I/O. */

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./$-]+$/;

/** Quote one word for a POSIX shell; `$VARS` are left expandable. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  if (/^[^'"\\`]*$/.test(word) && word.includes('$')) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Group an argv into lines: each `--flag` with the values that follow it (until the next flag). */
export function flagLines(argv: readonly string[]): string[][] {
  const lines: string[][] = [];
  for (const word of argv) {
    const last = lines[lines.length - 1];
    if (word.startsWith('--') || last === undefined) lines.push([word]);
    else last.push(word);
  }
  return lines;
}

/**
 * A multi-line shell command: the head on the first line, then one flag per line, `\`-continued;
 * `tail` words (positional subcommands) go on their own last line.
 */
export function multiLineCommand(
  head: readonly string[],
  argv: readonly string[],
  tail: readonly string[] = [],
): string {
  const groups = [head, ...flagLines(argv), ...(tail.length > 0 ? [tail] : [])];
  const lines = groups.map((ws) => ws.map(shellQuote).join(' '));
  return lines.join(' \\\n    ') + '\n';
}
