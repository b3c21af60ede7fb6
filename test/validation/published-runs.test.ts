/**
 * Validation (STYLE.md §11 c): predicted step time against every published run in
 * validation/published_runs.json with a measured time or throughput. Declared
 * tolerance (issue #12): step time median |error| ≤ 5%, p90 ≤ 12%; peak memory median ≤ 8% over
 * the rows that published it; OOM rows must not fit, ok rows must.
 * Calibration is global per accelerator (profiles/devices/*.json); nothing here is per row.
 */
import { describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import {
  accuracyFile,
  compareRow,
  isStepRow,
  memoryRelativeError,
  percentile,
} from '../../scripts/validation/compare.js';
import { compareLayerRows } from '../../scripts/validation/layer-times.js';
import { loadPublishedRows } from '../../scripts/validation/published-runs.js';

const MEDIAN_TOLERANCE = 0.05;
const P90_TOLERANCE = 0.12;
const MEMORY_MEDIAN_TOLERANCE = 0.08;
/** Korthikanti Table 4 single-layer times are micro-benchmarks; we hold them to 15%. */
const LAYER_TOLERANCE = 0.15;

const catalog = loadProfileCatalog();
const rows = loadPublishedRows();
const results = rows.filter(isStepRow).map((row) => compareRow(catalog, row));

describe('published training runs (Narayanan SC21 T1, Megatron README 2020, MegaScale T2, BLOOM, MPT, Zero Bubble)', () => {
  it('covers every row with a measured time or throughput', () => {
    expect(results.filter((r) => r.measuredStepSeconds !== null).length).toBeGreaterThanOrEqual(70);
  });

  it(`step time: median |error| ≤ ${MEDIAN_TOLERANCE * 100}% and p90 ≤ ${P90_TOLERANCE * 100}%`, () => {
    const errors = results.flatMap((r) =>
      r.relativeError === null ? [] : [Math.abs(r.relativeError)],
    );
    expect(errors.length).toBe(results.filter((r) => r.status === 'ok').length);
    expect(percentile(errors, 50)).toBeLessThanOrEqual(MEDIAN_TOLERANCE);
    expect(percentile(errors, 90)).toBeLessThanOrEqual(P90_TOLERANCE);
  });

  it(`peak memory: median |error| ≤ ${MEMORY_MEDIAN_TOLERANCE * 100}% over the rows that published it`, () => {
    const errors = results.flatMap((r) => {
      const e = memoryRelativeError(r);
      return e === null ? [] : [Math.abs(e)];
    });
    expect(errors.length).toBeGreaterThanOrEqual(30);
    expect(percentile(errors, 50)).toBeLessThanOrEqual(MEMORY_MEDIAN_TOLERANCE);
  });

  it('profiles/calibration/accuracy.json holds the current residuals (npm run validate -- --write-accuracy)', () => {
    const current = accuracyFile(results) as { stepTime: unknown; peakMemory: unknown };
    expect(catalog.accuracy.stepTime).toEqual(current.stepTime);
    expect(catalog.accuracy.peakMemory).toEqual(current.peakMemory);
  });

  it('rows published as OOM are predicted not to fit; the others fit', () => {
    for (const r of results)
      expect({ id: r.id, fits: r.predictedFits }).toEqual({ id: r.id, fits: r.status === 'ok' });
  });

  it(`Korthikanti 2022 Table 4 per-layer times within ${LAYER_TOLERANCE * 100}%`, () => {
    const layers = compareLayerRows(catalog, rows);
    expect(layers).toHaveLength(5);
    for (const l of layers) expect(Math.abs(l.relativeError)).toBeLessThanOrEqual(LAYER_TOLERANCE);
  });
});
