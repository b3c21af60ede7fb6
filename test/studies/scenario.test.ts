import { describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { cheapestMeetingDeadline, paretoFrontier } from '../../src/studies/analysis.js';
import { energyKwh, powerWattsPerGpu } from '../../src/studies/energy.js';
import type { ScenarioResult } from '../../src/studies/result.js';
import { runScenario } from '../../src/service/studies/run-scenario.js';
import { expandStudy, parseStudySpec } from '../../src/service/studies/scenarios.js';
import { row as resultRow } from './result-rows.js';

const catalog = loadProfileCatalog();

describe('scenario numbers', () => {
  it('Llama-3-70B on 15T tokens: time and cost reproduce the hand calculation from tokens/s', () => {
    const [scenario] = expandStudy(
      parseStudySpec({
        axes: { models: ['llama3-70b'], clusters: [{ preset: 'dgx-h100', nodes: 64 }] },
        goal: { tokens: 15e12 },
        training: { globalBatchSize: 1024, sequenceLength: 8192 },
        search: { maxCandidates: 2000 },
      }),
    );
    if (scenario === undefined) throw new Error('no scenario');
    const result = runScenario(catalog, scenario);
    expect(result.error).toBeUndefined();
    const tokensPerSecond = result.plan?.estimate.tokensPerSecond ?? NaN;
    // By hand: 15e12 tokens / tokens/s / 86400 s/day; 512 GPUs × days × 24 h; × $2.99/GPU-h.
    const days = 15e12 / tokensPerSecond / 86_400;
    expect(result.plan?.worldSize).toBe(512);
    expect(result.timeToTrainDays).toBeCloseTo(days, 9);
    expect(result.gpuHours).toBeCloseTo(512 * days * 24, 6);
    expect(result.costUsd).toBeCloseTo(512 * days * 24 * 2.99, 4);
    expect(result.priceUsdPerGpuHour).toBe(2.99);
    // Energy: 700 W TDP, linear idle(0.3)-to-TDP in HFU, PUE 1.1.
    const hfu = result.plan?.estimate.hfu ?? NaN;
    const watts = 700 * (0.3 + 0.7 * hfu);
    expect(result.energyKwh).toBeCloseTo((512 * days * 24 * watts * 1.1) / 1000, 3);
  });

  it('a capped search answers its best plan so far and says how far from best it may be', () => {
    const spec = {
      axes: { models: ['llama3-70b'], clusters: [{ preset: 'dgx-h100', nodes: 8 }] },
      goal: { tokens: 1e12 },
      training: { globalBatchSize: 512, sequenceLength: 4096 },
    };
    const [capped, exact] = [1000, 200_000].map((maxCandidates) => {
      const [scenario] = expandStudy(parseStudySpec({ ...spec, search: { maxCandidates } }));
      if (scenario === undefined) throw new Error('no scenario');
      return runScenario(catalog, scenario);
    });
    expect(exact?.search).toMatchObject({ truncated: false, gapFraction: 0 });
    const best = exact?.plan?.estimate.stepTimeSeconds ?? NaN;
    const search = capped?.search ?? { truncated: false, lowerBoundSeconds: NaN, gapFraction: 0 };
    const cappedSeconds = capped?.plan?.estimate.stepTimeSeconds ?? NaN;
    // Never better than the exact best; the bound never above it; the gap is the bound's.
    expect(cappedSeconds).toBeGreaterThanOrEqual(best);
    expect(search.lowerBoundSeconds).toBeLessThanOrEqual(best);
    expect(search.gapFraction).toBeCloseTo(
      (cappedSeconds - search.lowerBoundSeconds) / cappedSeconds,
      12,
    );
    expect(
      capped?.notes.some((n) => n.startsWith('search stopped at search.maxCandidates=1000')),
    ).toBe(search.truncated);
  });

  it('a search capped before any feasible candidate says so, and names search.maxCandidates', () => {
    // The memory lower bound keeps most candidates that cannot fit out of the queue, so this
    // needs a tight cluster (8B on 40 GB A100s) whose lowest-bound candidate still runs out of
    // memory once evaluated, and a cap of one.
    const [scenario] = expandStudy(
      parseStudySpec({
        axes: { models: ['llama3-8b'], clusters: [{ preset: 'dgx-a100-40gb', nodes: 2 }] },
        goal: { tokens: 1e12 },
        training: { globalBatchSize: 64, sequenceLength: 4096 },
        search: { maxCandidates: 1 },
      }),
    );
    if (scenario === undefined) throw new Error('no scenario');
    const result = runScenario(catalog, scenario);
    expect(result.error?.reason).toBe('no-feasible-plan');
    expect(result.error?.message).toMatch(
      /among the 1 candidates evaluated .* before search.maxCandidates stopped the search/,
    );
  });

  it("training.moe reaches every scenario, with the plan API's MoE defaults filled in", () => {
    const [scenario] = expandStudy(
      parseStudySpec({
        axes: { models: ['mixtral-8x7b'], clusters: [{ preset: 'dgx-h100', nodes: 1 }] },
        goal: { tokens: 1e9 },
        training: { moe: { routing: 'forced-balance', dispatcher: 'deepep' } },
      }),
    );
    expect(scenario?.training.moe).toMatchObject({
      routing: 'forced-balance',
      dispatcher: 'deepep',
      overlapAllToAll: false,
    });
  });

  it('a null device price gives a null cost with a note; a prices override fills it', () => {
    const spec = {
      axes: { models: ['gpt-1.7b'], clusters: [{ preset: 'amd-mi300x-8', nodes: 1 }] },
      goal: { tokens: 1e9 },
      search: { maxCandidates: 100 },
    };
    const [noPrice] = expandStudy(parseStudySpec(spec)).map((s) => runScenario(catalog, s));
    expect(noPrice?.costUsd).toBeNull();
    expect(noPrice?.notes.join()).toContain('prices.amd-mi300x-192gb');
    const [priced] = expandStudy(
      parseStudySpec({ ...spec, prices: { 'amd-mi300x-192gb': 2 } }),
    ).map((s) => runScenario(catalog, s));
    expect(priced?.costUsd).toBeCloseTo((priced?.gpuHours ?? 0) * 2, 9);
  });

  it('an infeasible scenario carries the reason, not a throw', () => {
    const [scenario] = expandStudy(
      parseStudySpec({
        axes: { models: ['llama3-405b'], clusters: [{ preset: 'pcie-8x-l4', nodes: 1 }] },
        goal: { tokens: 1e9 },
        search: { maxCandidates: 200 },
      }),
    );
    if (scenario === undefined) throw new Error('no scenario');
    const result = runScenario(catalog, scenario);
    expect(result.plan).toBeNull();
    expect(result.error?.reason).toMatch(/out-of-memory|no-feasible-plan/);
  });

  it.each([
    ['idle', { tdp: 700, u: 0, idle: 0.3, want: 210 }],
    ['busy', { tdp: 700, u: 1, idle: 0.3, want: 700 }],
    ['half', { tdp: 1000, u: 0.5, idle: 0.2, want: 600 }],
  ])('power model (%s)', (_, { tdp, u, idle, want }) => {
    expect(powerWattsPerGpu(tdp, u, idle)).toBeCloseTo(want, 9);
  });

  it('energy = GPU-hours × W × PUE / 1000', () => {
    expect(energyKwh(1000, 500, 1.2)).toBeCloseTo(600, 9);
  });
});

/** A hand-made feasible row (result-rows.ts) of one model: analysis reads only time, cost and deadline. */
const row = (index: number, days: number, cost: number, meetsDeadline = true): ScenarioResult =>
  resultRow(index, 'm', days, cost, meetsDeadline);

describe('study analysis', () => {
  it('keeps exactly the non-dominated points, fastest first', () => {
    const rows = [row(0, 10, 100), row(1, 5, 200), row(2, 6, 300), row(3, 20, 50), row(4, 10, 100)];
    expect(paretoFrontier(rows).map((p) => p.index)).toEqual([1, 0, 3]);
  });

  it('picks the cheapest scenario that meets the deadline', () => {
    const rows = [row(0, 10, 100, false), row(1, 2, 300), row(2, 3, 250), row(3, 3, 250)];
    expect(cheapestMeetingDeadline(rows)?.scenario.index).toBe(2);
  });
});
