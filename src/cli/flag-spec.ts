/**
 * The CLI's flags written down once: each flag's name, value, help line and the request fields it
 * sets. parseArgs options, per-command help, and the mapping from an API error's field back to the
 * flag the user typed are all derived from these tables (commands.ts holds one per command).
 */
import type { ParseArgsConfig } from 'node:util';

export interface FlagSpec {
  readonly name: string;
  /** 'string' unless said otherwise. */
  readonly type?: 'string' | 'boolean';
  readonly multiple?: true;
  readonly short?: string;
  /** The value as help shows it, e.g. `<n>[,<n>...]`. */
  readonly arg?: string;
  readonly help: string;
  /**
   * Request paths the flag sets (`search.constraints.tensorParallel`): an error on one of them, or
   * below it, names this flag. The longest matching path wins.
   */
  readonly fields?: readonly string[];
}

export interface FlagGroup {
  readonly title: string;
  readonly flags: readonly FlagSpec[];
}

export interface CommandSpec {
  readonly name: string;
  /** One line for `strata help`. */
  readonly summary: string;
  /** What follows `strata <name>` in the usage line. */
  readonly synopsis: string;
  readonly description: string;
  readonly groups: readonly FlagGroup[];
  readonly examples: readonly string[];
}

export const HELP_FLAG: FlagSpec = {
  name: 'help',
  type: 'boolean',
  short: 'h',
  help: 'this help',
};
export const JSON_FLAG: FlagSpec = {
  name: 'json',
  type: 'boolean',
  help: "print the API's JSON response (stdout carries nothing else)",
};
export const QUIET_FLAG: FlagSpec = {
  name: 'quiet',
  type: 'boolean',
  short: 'q',
  help: 'no progress line on stderr',
};

export function flagsOf(spec: CommandSpec): FlagSpec[] {
  return spec.groups.flatMap((g) => g.flags);
}

/** parseArgs options for a command. */
export function parseOptions(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    flagsOf(spec).map((f) => [
      f.name,
      {
        type: f.type ?? 'string',
        ...(f.multiple === undefined ? {} : { multiple: true }),
        ...(f.short === undefined ? {} : { short: f.short }),
      },
    ]),
  );
}

/** Does `field` (`a.b[2].c`) lie at or below `path`? */
function under(field: string, path: string): boolean {
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);
}

/** The flag that sets an API field (`--tp` for search.constraints.tensorParallel[0]), or null. */
export function flagForField(spec: CommandSpec, field: string | undefined): string | null {
  if (field === undefined || field === '') return null;
  let best: { flag: string; length: number } | null = null;
  for (const f of flagsOf(spec)) {
    for (const path of f.fields ?? []) {
      if (under(field, path) && (best === null || path.length > best.length)) {
        best = { flag: `--${f.name}`, length: path.length };
      }
    }
  }
  return best?.flag ?? null;
}

const HELP_COLUMN = 34;

function flagLine(f: FlagSpec): string {
  const short = f.short === undefined ? '    ' : `-${f.short}, `;
  const left = `  ${short}--${f.name}${f.arg === undefined ? '' : ` ${f.arg}`}`;
  return left.length < HELP_COLUMN
    ? `${left.padEnd(HELP_COLUMN)}${f.help}`
    : `${left}\n${' '.repeat(HELP_COLUMN)}${f.help}`;
}

/** `strata <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `Usage: strata ${spec.name} ${spec.synopsis}`.trimEnd(),
    '',
    spec.description,
    ...spec.groups.flatMap((g) => ['', g.title, ...g.flags.map(flagLine)]),
    ...(spec.examples.length === 0 ? [] : ['', 'Examples', ...spec.examples.map((e) => `  ${e}`)]),
  ].join('\n');
}
