/**
 * The fixed-seed generator of the export property tests (STYLE.md §11d): a Numerical Recipes LCG
 * (constants 1664525, 1013904223 mod 2^32), so each test replays the same cases every run.
 */
export function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1664525 + 1013904223) % 2 ** 32;
    return x / 2 ** 32;
  };
}

/** One element of `xs`, chosen by `rand`. */
export const pick = <T>(rand: () => number, xs: readonly T[]): T =>
  xs[Math.floor(rand() * xs.length)] as T;
