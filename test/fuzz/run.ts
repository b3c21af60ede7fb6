/** The fuzz loop shared by `npm test` (a few hundred cases) and `npm run fuzz` (10,000). */
import fc from 'fast-check';
import { requestArb } from './arbitraries.js';
import type { Verdict } from './send.js';
import { describeCase, send } from './send.js';

export interface FuzzOptions {
  readonly base: string;
  readonly numRuns: number;
  readonly seed: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A request with no answer after this is a hang. */
  readonly deadlineMilliseconds: number;
  readonly onProgress?: (done: number) => void;
}

export interface FuzzReport {
  readonly cases: number;
  readonly seed: number;
  readonly byStatus: Record<string, number>;
  readonly findings: { readonly request: string; readonly verdict: Verdict }[];
  readonly slowestMilliseconds: number;
  readonly hangs: number;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const cases = fc.sample(requestArb, { numRuns: options.numRuns, seed: options.seed });
  const byStatus: Record<string, number> = {};
  const findings: FuzzReport['findings'][number][] = [];
  let slowest = 0;
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const request = cases[i];
      if (request === undefined) continue;
      const verdict = await send(options.base, request, options.deadlineMilliseconds);
      byStatus[String(verdict.status)] = (byStatus[String(verdict.status)] ?? 0) + 1;
      slowest = Math.max(slowest, verdict.milliseconds);
      if (!verdict.ok) findings.push({ request: describeCase(request), verdict });
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return {
    cases: cases.length,
    seed: options.seed,
    byStatus,
    findings,
    slowestMilliseconds: Math.round(slowest),
    hangs: findings.filter((f) => f.verdict.status === 'hang').length,
  };
}
