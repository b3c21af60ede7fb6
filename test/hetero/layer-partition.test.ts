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
