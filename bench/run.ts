/**
 * npm run bench: compile src + bench with tsc (so the numbers are those of the shipped JavaScript,
 * not of an on-the-fly transpiler), then run every benchmark in its own process so that one's
 * warm caches and worker threads do not colour the next. Numbers go to stdout.
 */
import { spawnSync } from 'node:child_process';

const BENCHES = [
  'plan-speed',
  'framework-speed',
  'moe-longctx',
  'ilp',
  'graph-plan',
  'onnx-import',
  'hetero',
  'studies',
];

const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.bench.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = 0;
for (const name of BENCHES) {
  console.log(`\n=== bench/${name}.ts`);
  const run = spawnSync(process.execPath, [`dist-bench/bench/${name}.js`], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
