/**
 * Heterogeneous pipeline lower bounds (pipeline-bound.ts): hand-computed values, exhaustive search
 * over integer layer splits timed by the schedule simulator, and never above the simulated step of
 * any generated candidate.
 */
import { describe, expect, it } from 'vitest';
import { heteroClusterFromSpec } from '../../src/hardware-profiles/hetero.js';
import { generateSchedule, simulateSchedule } from '../../src/schedule/index.js';
import {
  evaluatePipeline,
  generatePipelineCandidates,
  minBottleneckSeconds,
  partialPipelineLowerBound,
  pipelineGroupOrder,
  pipelineStepLowerBound,
} from '../../src/search/hetero/index.js';
import type { StageRun } from '../../src/search/hetero/index.js';
import { catalog, fixedTraining, zooGraph } from '../fixtures/planning.js';
import { seededRandom } from '../fixtures/seeded-random.js';

const run = (tauSeconds: number, count: number, baseSeconds = 0): StageRun => ({
  tauSeconds,
  baseSeconds,
  count,
});

/** Simulated 1F1B makespan with stage j taking c_j per micro-batch (F = c/3, B = 2c/3). */
function simulated(times: readonly number[], m: number): number {
  const schedule = generateSchedule({ kind: '1f1b', numRanks: times.length, numMicroBatches: m });
  return simulateSchedule(schedule, {
    forwardSeconds: times.map((c) => c / 3),
    backwardInputSeconds: times.map((c) => c / 3),
    backwardWeightSeconds: times.map((c) => c / 3),
  }).makespanSeconds;
}

/**
 * Over every integer split (each stage ≥ 1 layer): the least bottleneck, the least
 * max(max_k (m·c_k + Q_k), (m − 1)·c_last + Σ c), and the least simulated makespan.
 */
function bruteForce(
  stages: readonly StageRun[],
  layers: number,
  m: number,
): { bottleneck: number; relaxed: number; simulated: number } {
  const flat = stages.flatMap((s) => Array.from({ length: s.count }, () => s));
  // Q_k: the stages before k with one layer each.
  const offsets = flat.map((_, k) =>
    flat.slice(0, k).reduce((a, s) => a + s.baseSeconds + s.tauSeconds, 0),
  );
  const best = { bottleneck: Infinity, relaxed: Infinity, simulated: Infinity };
  const go = (j: number, left: number, times: number[]): void => {
    const s = flat[j] as StageRun;
    const last = j === flat.length - 1;
    const most = Math.min(s.maxLayers ?? Infinity, last ? left : left - (flat.length - 1 - j));
    for (let n = last ? left : 1; n <= most; n++) {
      const next = [...times, s.baseSeconds + n * s.tauSeconds];
      if (!last) go(j + 1, left - n, next);
      else if (n >= 1) {
        const worst = Math.max(...next);
        const sum = next.reduce((a, t) => a + t, 0);
        best.bottleneck = Math.min(best.bottleneck, worst);
        const withPrefix = next.map((c, k) => m * c + (offsets[k] ?? 0));
        best.relaxed = Math.min(
          best.relaxed,
          Math.max(...withPrefix, (m - 1) * (next.at(-1) ?? 0) + sum),
        );
        best.simulated = Math.min(best.simulated, simulated(next, m));
      }
    }
  };
  go(0, layers, []);
  return best;
}

describe('minBottleneckSeconds', () => {
  it('counts whole layers: 24 layers on 17 equal stages need 2 layers somewhere', () => {
    // Continuous bound 24/17 = 1.41 layer times; integers force 2.
    expect(minBottleneckSeconds([run(1, 17)], [], 24)).toBe(2);
  });

  it('mixes stage speeds: τ = 1 and τ = 2, 4 layers → 3 s (3 + 1 layers)', () => {
    // T = 2 holds ⌊2/1⌋ + ⌊2/2⌋ = 3 < 4 layers; the next breakpoint is 3 (τ = 1): 3 + 1 = 4.
    expect(minBottleneckSeconds([run(1, 1), run(2, 1)], [], 4)).toBe(3);
  });

  it('puts a base (head, p2p) before the layers: b = 0.5, τ = 1, 2 layers → 2.5 s', () => {
    expect(minBottleneckSeconds([run(1, 1, 0.5)], [], 2)).toBe(2.5);
  });

  it('lets an unassigned group take its best alternative: 8 layers → 2 s', () => {
    // cap(T) = ⌊T⌋ + max(2·⌊2T⌋, 4·⌊T⌋): cap(1.6) = 1 + 6 = 7, cap(2) = 2 + 8 = 10.
    expect(minBottleneckSeconds([run(1, 1)], [[run(0.5, 2), run(1, 4)]], 8)).toBe(2);
  });

  it('equals exhaustive search over integer splits on 300 seeded instances', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const stages = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        run(0.1 + random(), 1 + Math.floor(random() * 2), random() < 0.5 ? 0 : random()),
      );
      const pp = stages.reduce((a, s) => a + s.count, 0);
      const layers = pp + Math.floor(random() * 8);
      expect(minBottleneckSeconds(stages, [], layers)).toBeCloseTo(
        bruteForce(stages, layers, 1).bottleneck,
        12,
      );
    }
  });
});

describe('pipelineStepLowerBound', () => {
  it('is the balanced 1F1B time when stages are equal: 4 stages × 2 layers, m = 8 → 22 s', () => {
    // c = 2 on every stage; (m + pp − 1)·c = 11·2 = 22, which simulate.ts also gives.
    expect(pipelineStepLowerBound([run(1, 3)], run(1, 1), 8, 8)).toBe(22);
    expect(simulated([2, 2, 2, 2], 8)).toBeCloseTo(22, 12);
  });

  it('a slow first stage hides the fill: c = (10, 1), m = 2 → 20 s, not (m − 1)·10 + 11 = 21', () => {
    // Stage 1 runs inside stage 0's shadow; the simulator agrees with the m·c_0 bound.
    expect(pipelineStepLowerBound([run(10, 1)], run(1, 1), 2, 2)).toBe(20);
    expect(simulated([10, 1], 2)).toBeCloseTo(20, 12);
  });

  it('equals the exhaustive relaxed minimum and never exceeds the simulated one (300 instances)', () => {
    const random = seededRandom(13);
    for (let i = 0; i < 300; i++) {
      const stages = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        run(0.1 + random(), 1 + Math.floor(random() * 2), random() < 0.5 ? 0 : random()),
      );
      const last = run(0.1 + random(), 1, random());
      const pp = stages.reduce((a, s) => a + s.count, 0) + 1;
      const layers = pp + Math.floor(random() * 6);
      const m = 1 + Math.floor(random() * 8);
      const exhaustive = bruteForce([...stages, last], layers, m);
      const bound = pipelineStepLowerBound(stages, last, layers, m);
      expect(bound).toBeCloseTo(exhaustive.relaxed, 12);
      expect(bound).toBeLessThanOrEqual(exhaustive.simulated * (1 + 1e-12));
    }
  });

  it('with memory caps, equals the exhaustive relaxed minimum over capped splits (300 instances)', () => {
    const random = seededRandom(19);
    let capped = 0;
    for (let i = 0; i < 300; i++) {
      const cap = (): { maxLayers?: number } =>
        random() < 0.5 ? { maxLayers: 1 + Math.floor(random() * 4) } : {};
      const stages = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        ...run(0.1 + random(), 1, random() < 0.5 ? 0 : random()),
        ...cap(),
      }));
      const last = { ...run(0.1 + random(), 1, random()), ...cap() };
      const pp = stages.length + 1;
      const layers = pp + Math.floor(random() * 6);
      const m = 1 + Math.floor(random() * 8);
      const exhaustive = bruteForce([...stages, last], layers, m);
      const bound = pipelineStepLowerBound(stages, last, layers, m);
      if (exhaustive.relaxed === Infinity) expect(bound).toBe(Infinity);
      else expect(bound).toBeCloseTo(exhaustive.relaxed, 12);
      if (
        bound !==
        pipelineStepLowerBound(
          stages.map((s) => run(s.tauSeconds, 1, s.baseSeconds)),
          run(last.tauSeconds, 1, last.baseSeconds),
          layers,
          m,
        )
      )
        capped++;
    }
    expect(capped).toBeGreaterThan(20); // the caps bind in many instances
  });

  it('relaxes soundly for partial pipelines: below every completion', () => {
    const random = seededRandom(17);
    for (let i = 0; i < 200; i++) {
      const required = [run(0.1 + random(), 1 + Math.floor(random() * 2), random() * 0.2)];
      const alternatives = [run(0.1 + random(), 1), run(0.1 + random(), 2)];
      const head = random() * 0.3;
      const layers = 4 + Math.floor(random() * 5);
      const m = 1 + Math.floor(random() * 8);
      const partial = partialPipelineLowerBound(
        required,
        [alternatives],
        layers,
        m,
        head,
        head + Math.min(...[...required, ...alternatives].map((r) => r.tauSeconds)),
      );
      const completions = [
        { stages: [] as StageRun[], last: required[0] as StageRun },
        ...alternatives.map((a) => ({
          stages: [...required, { ...a, count: a.count - 1 }],
          last: a,
        })),
      ];
      for (const c of completions) {
        const last = { ...c.last, count: 1, baseSeconds: c.last.baseSeconds + head };
        const stages =
          c.stages.length === 0
            ? [{ ...(required[0] as StageRun), count: (required[0] as StageRun).count - 1 }]
            : c.stages;
        const pp = stages.reduce((a, s) => a + s.count, 0) + 1;
        if (pp > layers) continue;
        expect(partial).toBeLessThanOrEqual(
          pipelineStepLowerBound(stages, last, layers, m) * (1 + 1e-12),
        );
      }
    }
  });

  it('never exceeds the simulated step of any generated candidate (A100 + V100 + A10)', () => {
    const graph = zooGraph('gpt-1.7b', 1024);
    const cluster = heteroClusterFromSpec(catalog, {
      groups: [
        { preset: 'dgx-a100-80gb', nodes: 1 },
        { preset: 'dgx-v100', nodes: 1 },
        { preset: 'pcie-8x-a10', nodes: 1 },
      ],
      interGroup: { bandwidthGBps: 12.5, latencyMicroseconds: 20 },
    });
    const context = { graph, cluster, training: fixedTraining(32, 1024), cache: new Map() };
    const generated = generatePipelineCandidates({
      context,
      order: pipelineGroupOrder(cluster),
      dollarsPerGpuSecond: null,
      incumbent: Number.POSITIVE_INFINITY,
    });
    expect(generated.capped).toBe(false);
    const ranked = generated.ranked.filter((_, i) => i % 7 === 0); // a spread sample, all bounds
    expect(ranked.length).toBeGreaterThan(200);
    let tightest = 0;
    for (const r of ranked) {
      const e = evaluatePipeline(context, r.candidate);
      if (e === null) continue;
      expect(r.bound).toBeLessThanOrEqual(e.stepTimeSeconds * (1 + 1e-12));
      tightest = Math.max(tightest, r.bound / e.stepTimeSeconds);
    }
    expect(tightest).toBeGreaterThan(0.9);

    // Partial-assignment pruning is exact: with an incumbent, exactly the leaves below it remain.
    const incumbent = generated.ranked[Math.floor(generated.ranked.length / 3)]?.bound ?? 0;
    const pruned = generatePipelineCandidates({
      context,
      order: pipelineGroupOrder(cluster),
      dollarsPerGpuSecond: null,
      incumbent,
    });
    expect(pruned.ranked.map((r) => r.key)).toEqual(
      generated.ranked.filter((r) => r.bound < incumbent).map((r) => r.key),
    );
  }, 120_000);
});
