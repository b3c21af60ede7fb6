/**
 * npm run fuzz [cases] [seed]: the API fuzz against the built server (issue #17). Default 10,000
 * generated requests (test/fuzz/arbitraries.ts: every POST schema from openapi.yaml, mutated;
 * hostile path ids, headers and encodings), 8 in flight, each with a 30 s deadline. Passes when no
 * answer is 5xx (except 503 with Retry-After) and none hangs; prints the status histogram, the
 * findings, the server's peak RSS, and exits 1 on any finding.
 */
import { runFuzz } from '../test/fuzz/run.js';
import { serveBuilt } from './serve-built.js';

const cases = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);

const served = await serveBuilt({
  STRATA_STUDY_BURST: '100000',
  STRATA_STUDIES_PER_MINUTE: '100000',
});
let peakRss = 0;
const started = performance.now();
const report = await runFuzz({
  base: served.base,
  numRuns: cases,
  seed,
  concurrency: 8,
  deadlineMilliseconds: 30_000,
  onProgress(done) {
    peakRss = Math.max(peakRss, served.rssBytes() ?? 0);
    if (done % 1000 === 0) process.stderr.write(`fuzz: ${done}/${cases}\n`);
  },
});
const alive = await fetch(`${served.base}/healthz`).then(
  (r) => r.status === 200,
  () => false,
);
const exitCode = await served.stop();
const summary = {
  cases: report.cases,
  seed: report.seed,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  byStatus: report.byStatus,
  fiveHundreds: report.findings.filter((f) => typeof f.verdict.status === 'number').length,
  hangs: report.hangs,
  slowestMilliseconds: report.slowestMilliseconds,
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  aliveAfter: alive,
  exitCodeOnSigterm: exitCode,
};
console.log(JSON.stringify(summary, null, 2));
for (const finding of report.findings.slice(0, 20)) console.log(JSON.stringify(finding));
process.exitCode = report.findings.length === 0 && alive ? 0 : 1;
