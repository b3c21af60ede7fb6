/** Layer-partition DP vs exhaustive search on small seeded instances (STYLE.md §11 d). */
import { describe, expect, it } from 'vitest';
import { partitionLayers } from '../../src/search/hetero/index.js';
import type { PartitionStage } from '../../src/search/hetero/index.js';
import { seededRandom } from '../fixtures/seeded-random.js';

function bruteForce(stages: PartitionStage[], layers: number): number {
  let best = Infinity;
  const go = (j: number, left: number, worst: number): void => {
    const st = stages[j] as PartitionStage;
    if (j === stages.length - 1) {
      if (left >= 1 && left <= st.maxLayers)
        best = Math.min(best, Math.max(worst, st.baseSeconds + left * st.perLayerSeconds));
      return;
    }
    for (let n = 1; n <= Math.min(left - 1, st.maxLayers); n++)
      go(j + 1, left - n, Math.max(worst, st.baseSeconds + n * st.perLayerSeconds));
  };
  go(0, layers, 0);
  return best;
}

describe('partitionLayers', () => {
  it('gives faster stages more layers', () => {
    const fast = { baseSeconds: 0, perLayerSeconds: 1, maxLayers: 100 };
    const slow = { baseSeconds: 0, perLayerSeconds: 2.5, maxLayers: 100 };
    const p = partitionLayers([fast, slow], 35);
    expect(p?.layers).toEqual([25, 10]);
    expect(p?.bottleneckSeconds).toBe(25);
  });

  it('matches brute force on 200 seeded random instances', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const pp = 2 + Math.floor(random() * 3);
      const layers = pp + Math.floor(random() * 10);
      const stages = Array.from({ length: pp }, () => ({
        baseSeconds: Math.floor(random() * 3),
        perLayerSeconds: 1 + Math.floor(random() * 3),
        maxLayers: 1 + Math.floor(random() * layers),
      }));
      const p = partitionLayers(stages, layers);
      const want = bruteForce(stages, layers);
      if (want === Infinity) expect(p).toBeNull();
      else expect(p?.bottleneckSeconds).toBe(want);
    }
  });
});

/** The table-of-objects DP partitionLayers replaced (same recurrence and tie-breaks), for equality. */
function referencePartition(stages: PartitionStage[], layers: number) {
  type Cell = { max: number; sum: number; take: number };
  const none: Cell = { max: Infinity, sum: Infinity, take: 0 };
  const table: Cell[][] = [];
  stages.forEach((st, j) => {
    const row: Cell[] = Array.from({ length: layers + 1 }, () => none);
    for (let l = j + 1; l <= layers - (stages.length - 1 - j); l++) {
      if (j === 0) {
        const c = st.baseSeconds + l * st.perLayerSeconds;
        row[l] = l > st.maxLayers ? none : { max: c, sum: c, take: l };
        continue;
      }
      let best = none;
      for (let n = 1; n <= Math.min(st.maxLayers, l - j); n++) {
        const c = st.baseSeconds + n * st.perLayerSeconds;
        if (c > best.max) break;
        const prefix = table[j - 1]?.[l - n] ?? none;
        if (prefix.max === Infinity) continue;
        const cand = { max: Math.max(prefix.max, c), sum: prefix.sum + c };
        if (cand.max < best.max || (cand.max === best.max && cand.sum < best.sum))
          best = { ...cand, take: n };
      }
      row[l] = best;
    }
    table.push(row);
  });
  const last = table[stages.length - 1]?.[layers] ?? none;
  if (last.max === Infinity) return null;
  const out: number[] = [];
  for (let j = stages.length - 1, l = layers; j >= 0; j--) {
    const take = table[j]?.[l]?.take ?? 0;
    out.unshift(take);
    l -= take;
  }
  return { layers: out, bottleneckSeconds: last.max, sumSeconds: last.sum };
}

describe('partitionLayers (typed-array table)', () => {
  it('equals the object-per-cell DP on 300 seeded instances with fractional costs', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const pp = 1 + Math.floor(random() * 12);
      const layers = pp + Math.floor(random() * 40);
      const stages = Array.from({ length: pp }, () => ({
        baseSeconds: random() * 0.02,
        perLayerSeconds: 0.001 + random() * 0.01,
        maxLayers: random() < 0.2 ? Infinity : Math.floor(random() * layers),
      }));
      expect(partitionLayers(stages, layers)).toEqual(referencePartition(stages, layers));
    }
  });
});
