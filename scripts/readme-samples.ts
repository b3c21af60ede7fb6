/**
 * README.md's sample outputs, regenerated from the current source: every block
 *
 *   <!-- sample: plan --model llama3-70b ... -->
 *   ```text
 *   …output…
 *   ```
 *   <!-- /sample -->
 *
 * is replaced by what `strata <args>` prints now. The args must also appear in the README as a
 * command the reader runs (`npx strata <args>`), so the commands shown are the ones sampled.
 *
 *   npx tsx scripts/readme-samples.ts          rewrite the blocks (npm run readme:samples)
 *   npx tsx scripts/readme-samples.ts --check  exit 1 when a block is stale (npm run readme:check)
 *
 * The search's wall-clock time ("Search: … candidates, … feasible, 1.84 s") differs from run to
 * run: it is ignored when comparing, and a block differing only there is left as written.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = `${ROOT}README.md`;
const SAMPLE = /<!-- sample: (.+?) -->\n```text\n([\s\S]*?)```\n<!-- \/sample -->/g;

/** What `strata <args>` prints on stdout (progress and notes go to stderr). */
function run(args: string): string {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', ...args.split(/\s+/)],
    { cwd: ROOT, encoding: 'utf8', timeout: 600_000 },
  );
  if (result.status !== 0) {
    throw new Error(`strata ${args} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout.trimEnd() + '\n';
}

/** The output with the run-dependent elapsed time of the search masked. */
function stable(output: string): string {
  return output.replace(/^(Search: .*), [\d.,]+ (?:s|ms|µs)/gm, '$1, <elapsed>');
}

interface Sample {
  readonly args: string;
  readonly written: string;
  readonly current: string;
}

function samples(readme: string): Sample[] {
  return [...readme.matchAll(SAMPLE)].map((m) => {
    const args = m[1] ?? '';
    if (!readme.includes(`npx strata ${args}\n`)) {
      throw new Error(`README samples 'strata ${args}' but does not show that command`);
    }
    return { args, written: m[2] ?? '', current: run(args) };
  });
}

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  const i = left.findIndex((line, k) => line !== right[k]);
  const at = i === -1 ? left.length : i;
  return `line ${at + 1}:\n  README: ${left[at] ?? '(end)'}\n  now:    ${right[at] ?? '(end)'}`;
}

function main(check: boolean): number {
  const readme = readFileSync(README, 'utf8');
  const found = samples(readme);
  if (found.length === 0) throw new Error('README.md has no <!-- sample: … --> blocks');
  const stale = found.filter((s) => stable(s.written) !== stable(s.current));
  if (check) {
    for (const s of stale) {
      console.error(
        `stale sample 'strata ${s.args}', ${firstDifference(stable(s.written), stable(s.current))}`,
      );
    }
    if (stale.length > 0) console.error('run: npm run readme:samples');
    else console.log(`${found.length} README samples are current`);
    return stale.length === 0 ? 0 : 1;
  }
  let next = readme;
  for (const s of stale) {
    // A function replacement: outputs hold `$` (costs), which a string replacement would expand.
    next = next.replace(
      `<!-- sample: ${s.args} -->\n\`\`\`text\n${s.written}\`\`\``,
      () => `<!-- sample: ${s.args} -->\n\`\`\`text\n${s.current}\`\`\``,
    );
  }
  writeFileSync(README, next);
  console.log(`${stale.length} of ${found.length} README samples rewritten`);
  return 0;
}

process.exitCode = main(process.argv.includes('--check'));
