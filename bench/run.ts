/**
 * npm run bench: every benchmark, one after another, each in its own process so that one's warm
 * caches and worker threads do not colour the next. Numbers go to stdout.
 */
import { spawnSync } from 'node:child_process';

const BENCHES = ['bench/plan-speed.ts', 'bench/ilp.ts', 'bench/hetero.ts', 'bench/studies.ts'];

let failed = 0;
for (const file of BENCHES) {
  console.log(`\n=== ${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
