/** Stage DP vs exhaustive partitioning on small random chains (STYLE.md §11 d; Alpa test_dynamic_programming.py). */
import { describe, expect, it } from 'vitest';
import {
  solveStageDp,
  type StageCostFunction,
  type SubmeshShape,
} from '../../src/search/stage-dp.js';
import { mulberry32 } from './fixtures.js';

const SUBMESHES: SubmeshShape[] = [
  [1, 1],
  [1, 2],
  [1, 4],
  [2, 4],
];

function randomCost(seed: number): StageCostFunction {
  const rand = mulberry32(seed);
  const table = new Map<string, number>();
  return (start, end, mesh) => {
    const key = `${start}:${end}:${mesh.join('x')}`;
    if (!table.has(key))
      table.set(
        key,
        rand() < 0.1
          ? Infinity
          : Math.round((((end - start) * (1 + rand() * 9)) / (mesh[0] * mesh[1]) ** rand()) * 100) /
              100,
      );
    return table.get(key) as number;
  };
}

/** Every slicing into contiguous stages × every sub-mesh assignment summing to numDevices. */
function exhaustive(
  numOps: number,
  numDevices: number,
  microBatches: number,
  cost: StageCostFunction,
): number {
  let best = Infinity;
  const walk = (k: number, devices: number, sum: number, max: number): void => {
    if (k === numOps) {
      if (devices === 0) best = Math.min(best, sum + (microBatches - 1) * max);
      return;
    }
    for (let j = k + 1; j <= numOps; j++) {
      for (const s of SUBMESHES) {
        const c = cost(k, j, s);
        if (s[0] * s[1] <= devices && Number.isFinite(c))
          walk(j, devices - s[0] * s[1], sum + c, Math.max(max, c));
      }
    }
  };
  walk(0, numDevices, 0, 0);
  return best;
}

describe('stage DP', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i))(
    'equals exhaustive partitioning (seed %i)',
    (seed) => {
      const rand = mulberry32(seed * 7 + 1);
      const numOps = 2 + Math.floor(rand() * 5);
      const numDevices = [4, 8][Math.floor(rand() * 2)] as number;
      const microBatches = 1 + Math.floor(rand() * 8);
      const cost = randomCost(seed);
      const got = solveStageDp({
        numOps,
        numDevices,
        submeshes: SUBMESHES,
        microBatches,
        stageCost: cost,
      });
      const want = exhaustive(numOps, numDevices, microBatches, cost);
      if (!Number.isFinite(want)) return expect(got).toBeUndefined();
      expect(got?.stepTimeSeconds).toBeCloseTo(want, 9);
      const stages = got?.stages ?? [];
      expect(stages.reduce((s, st) => s + st.mesh[0] * st.mesh[1], 0)).toBe(numDevices);
      expect(stages[0]?.start).toBe(0);
      expect(stages[stages.length - 1]?.end).toBe(numOps);
      const max = Math.max(...stages.map((s) => s.latencySeconds));
      expect(
        stages.reduce((s, st) => s + st.latencySeconds, 0) + (microBatches - 1) * max,
      ).toBeCloseTo(got?.stepTimeSeconds ?? 0, 9);
    },
  );

  it('returns undefined when the sub-meshes cannot cover the devices', () => {
    expect(
      solveStageDp({
        numOps: 2,
        numDevices: 3,
        submeshes: [[1, 2]],
        microBatches: 4,
        stageCost: () => 1,
      }),
    ).toBeUndefined();
  });
});
