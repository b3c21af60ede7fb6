// plan/expressible.ts partitionBalanced, rewritten over flat tables that skip the cuts from
// unreachable entries (issue #13: it ran once per stage count of ~150 node-count searches), still
// answers what the direct port of DeepSpeed's partition_balanced answers, ties included.
import { describe, expect, it } from 'vitest';
import { deepspeedLayerSplit, partitionBalanced } from '../../src/plan/index.js';

/** The direct port (deepspeed/runtime/utils.py partition_balanced), every cut tried. */
function reference(weights: readonly number[], m: number): number[] {
  const n = weights.length;
  if (n <= m) return Array.from({ length: m + 1 }, (_, p) => Math.min(p, n));
  const table = (): number[][] =>
    Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(Infinity));
  const [dpMax, dpMin, dpCost] = [table(), table(), table()];
  const position = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const prefix = [0];
  for (const w of weights) prefix.push((prefix.at(-1) ?? 0) + w);
  const row = (t: number[][], i: number): number[] => t[i] ?? [];
  row(dpMax, 0)[0] = 0;
  row(dpCost, 0)[0] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= Math.min(i, m); j++) {
      for (let k = 0; k < i; k++) {
        const sum = (prefix[i] ?? 0) - (prefix[k] ?? 0);
        const maxSum = Math.max(row(dpMax, k)[j - 1] ?? Infinity, sum);
        const minSum = Math.min(row(dpMin, k)[j - 1] ?? Infinity, sum);
        const cost = maxSum - minSum;
        if ((row(dpCost, i)[j] ?? Infinity) >= cost) {
          row(dpCost, i)[j] = cost;
          row(dpMax, i)[j] = maxSum;
          row(dpMin, i)[j] = minSum;
          row(position, i)[j] = k;
        }
      }
    }
  }
  const parts = [n];
  for (let j = m; j >= 1; j--) parts.push(row(position, parts.at(-1) ?? 0)[j] ?? 0);
  return parts.reverse();
}

function randomSource(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('partitionBalanced equals the direct port', () => {
  it('on random integer, binary and fractional weights', () => {
    const next = randomSource(7);
    for (let t = 0; t < 600; t++) {
      const weights = Array.from({ length: 1 + Math.floor(next() * 24) }, () =>
        t % 3 === 0 ? Math.floor(next() * 10) : t % 3 === 1 ? Number(next() < 0.8) : next(),
      );
      const parts = 1 + Math.floor(next() * 10);
      expect(partitionBalanced(weights, parts)).toEqual(reference(weights, parts));
    }
  });

  it.each([8, 40, 61, 96])('on DeepSpeed’s layer weights, %i layers, every stage count', (n) => {
    const weights = [0, ...Array.from({ length: n }, () => 1), 0, 0];
    for (let stages = 1; stages <= n + 4; stages++) {
      expect(partitionBalanced(weights, stages)).toEqual(reference(weights, stages));
    }
    expect(deepspeedLayerSplit(n, 4).reduce((a, b) => a + b, 0)).toBe(n);
  });
});
