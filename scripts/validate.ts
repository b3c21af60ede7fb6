/**
 * npm run validate: predicted vs published step time for every row of
 * validation/published_runs.json that has a measured time or throughput, plus the OOM
 * rows (must be predicted not to fit) and Korthikanti Table 4's per-layer times; then the MoE /
 * long-context rows of validation/moe_longctx_runs.json (validation/moe-report.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultProfilesDir, loadProfileCatalog } from '../src/hardware-profiles/index.js';
import {
  accuracyFile,
  compareRow,
  isStepRow,
  memoryRelativeError,
  percentile,
} from './validation/compare.js';
import { compareLayerRows } from './validation/layer-times.js';
import { printMoeValidation } from './validation/moe-report.js';
import { loadPublishedRows } from './validation/published-runs.js';

const catalog = loadProfileCatalog();
const rows = loadPublishedRows();
const results = rows.filter(isStepRow).map((row) => compareRow(catalog, row));

const pct = (x: number | null): string =>
  x === null ? '   n/a' : `${(100 * x).toFixed(1).padStart(6)}%`;
const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));
console.log('row'.padEnd(68), 'measured s', 'predicted s', '   error', ' mem GiB (pub)', ' plan');
for (const r of results) {
  const mem =
    r.predictedPeakMemoryBytes === null ? 'n/a' : (r.predictedPeakMemoryBytes / 2 ** 30).toFixed(1);
  const s = r.plan?.strategy;
  const plan = s
    ? `mbs=${s.microBatchSize} v=${s.virtualStages} ${s.schedule} rc=${s.recompute}`
    : r.note.slice(0, 80);
  console.log(
    r.id.padEnd(68),
    num(r.measuredStepSeconds).padStart(10),
    num(r.predictedStepSeconds).padStart(11),
    pct(r.relativeError),
    `${mem} (${r.measuredMemoryGB ?? '-'})`.padStart(14),
    plan,
  );
}
const errors = results.flatMap((r) =>
  r.relativeError === null ? [] : [Math.abs(r.relativeError)],
);
const oomRows = results.filter((r) => r.status === 'OOM');
const oomCorrect = oomRows.filter((r) => !r.predictedFits).length;
const okRows = results.filter((r) => r.status === 'ok');
const okFit = okRows.filter((r) => r.predictedFits).length;
console.log('');
console.log(
  `step-time rows: ${errors.length}; median |error| ${pct(percentile(errors, 50))}; p90 |error| ${pct(percentile(errors, 90))}; max ${pct(Math.max(...errors))}`,
);
console.log(
  `OOM rows predicted not to fit: ${oomCorrect}/${oomRows.length}; ok rows predicted to fit: ${okFit}/${okRows.length}`,
);

const memoryRows = results.flatMap((r) => {
  const error = memoryRelativeError(r);
  return error === null ? [] : [{ r, error }];
});
console.log('');
console.log('peak memory per GPU (rows that published it; GiB):');
console.log('row'.padEnd(68), '  published', '  predicted', '   error');
for (const { r, error } of memoryRows) {
  console.log(
    r.id.padEnd(68),
    (r.measuredMemoryGB ?? 0).toFixed(1).padStart(11),
    ((r.predictedPeakMemoryBytes ?? 0) / 2 ** 30).toFixed(1).padStart(11),
    pct(error),
  );
}
const memoryErrors = memoryRows.map(({ error }) => Math.abs(error));
console.log(
  `memory rows: ${memoryErrors.length}; median |error| ${pct(percentile(memoryErrors, 50))}; p90 |error| ${pct(percentile(memoryErrors, 90))}; max ${pct(Math.max(...memoryErrors))}`,
);

printMoeValidation(catalog);

if (process.argv.includes('--write-accuracy')) {
  const file = join(defaultProfilesDir(), 'calibration', 'accuracy.json');
  writeFileSync(file, `${JSON.stringify(accuracyFile(results), null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

const layers = compareLayerRows(catalog, rows);
console.log('');
console.log('Korthikanti 2022 Table 4 per-layer time (22B, tp=8, b=4, s=2048, A100):');
for (const l of layers) {
  console.log(
    `  ${l.id.padEnd(62)} measured ${l.measuredMs.toFixed(1)} ms, predicted ${l.predictedMs.toFixed(1)} ms, error ${pct(l.relativeError)}`,
  );
}
