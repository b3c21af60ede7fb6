/**
 * The MoE / long-context section of npm run validate: every row of
 * validation/moe_longctx_runs.json estimated with its published layout (moe-runs.ts), the
 * median and p90 |error| on step time, and how many runs that ran are predicted to fit. These
 * rows are reported apart from the dense rows and do not feed profiles/calibration/accuracy.json.
 */
import type { ProfileCatalog } from '../../src/hardware-profiles/index.js';
import { percentile } from './compare.js';
import type { MoeComparison } from './moe-runs.js';
import { compareMoeRow, loadMoeRows } from './moe-runs.js';

const pct = (x: number | null): string =>
  x === null ? '   n/a' : `${(100 * x).toFixed(1).padStart(6)}%`;

/** Print the section; returns the comparisons (for tests and summaries). */
export function printMoeValidation(catalog: ProfileCatalog): MoeComparison[] {
  const results = loadMoeRows().map((row) => compareMoeRow(catalog, row));
  console.log('');
  console.log('MoE / long-context rows (validation/moe_longctx_runs.json, published layouts):');
  console.log('row'.padEnd(46), 'measured s', 'predicted s', '   error', '  mem GiB', ' note');
  for (const r of results) {
    console.log(
      r.id.padEnd(46),
      (r.measuredStepSeconds?.toFixed(2) ?? 'n/a').padStart(10),
      (r.predictedStepSeconds?.toFixed(2) ?? 'n/a').padStart(11),
      pct(r.relativeError),
      (r.peakMemoryGiB?.toFixed(1) ?? 'n/a').padStart(9),
      r.predictedFits === false ? 'predicted NOT to fit' : r.note.slice(0, 70),
    );
  }
  const errors = results.flatMap((r) =>
    r.relativeError === null ? [] : [Math.abs(r.relativeError)],
  );
  const estimated = results.filter((r) => r.predictedFits !== null);
  const fit = estimated.filter((r) => r.predictedFits === true).length;
  console.log(
    `MoE/long-context step-time rows: ${errors.length} (of ${results.length}; the rest have no published time or a model/device Strata cannot describe); median |error| ${pct(percentile(errors, 50))}; p90 |error| ${pct(percentile(errors, 90))}; runs that ran predicted to fit: ${fit}/${estimated.length}`,
  );
  return results;
}
