// `strata study`'s report: a row per scenario with strategy and memory, then a section per model.
import { describe, expect, it } from 'vitest';
import { studyReport } from '../../src/cli/study.js';
import type { StudySnapshot } from '../../src/service/index.js';
import { row } from '../studies/result-rows.js';

describe('study report', () => {
  it('analyses each model apart', () => {
    const results = [
      row(0, 'llama3-8b', 2, 100),
      row(1, 'llama3-70b', 20, 5000),
      row(2, 'llama3-70b', 10, 9000),
    ];
    const snapshot = {
      id: 'abcdef0123456789',
      status: 'done',
      progress: { done: 3, total: 3 },
      results,
    } as unknown as StudySnapshot;
    const text = studyReport(snapshot);
    expect(text).toMatch(/^Study abcdef012345 — done, 3\/3 scenarios \(3 feasible\)/);
    expect(text).toMatch(/strategy\s+memory\s+step time/);
    expect(text).toContain('2×2×2 v3 Z1 rc-selective');
    expect(text).toContain('65.2 GiB');
    const big = text.slice(text.indexOf('llama3-70b: 2 feasible'));
    expect(big).toContain('Pareto frontier');
    expect(big).toContain('llama3-70b s2');
    expect(big).toContain('llama3-70b s1');
    expect(big).not.toContain('llama3-8b s0');
    expect(big).toContain('Cheapest scenario meeting the deadline: #1 llama3-70b s1');
  });
});
