// SVG Gantt charts of real-plan-sized schedules: grouped runs, chunk shades, bubbles, seconds.
import { describe, expect, it } from 'vitest';
import {
  generateSchedule,
  scheduleToSvg,
  simulateSchedule,
  type ScheduleRequest,
} from '../../src/schedule/index.js';
import { chunkOfStage, shade } from '../../src/schedule/svg-kit.js';
import { uniformCosts } from './fixtures.js';
import { tagsBalanced } from './tags-balanced.js';

/** A 70B-like step: 22 ms forward, 40 ms backward per chunk and micro-batch (seconds scale). */
function simulated(request: ScheduleRequest, forwardSeconds = 0.022, backwardSeconds = 0.04) {
  const schedule = generateSchedule(request);
  const costs = uniformCosts(
    schedule.numStages,
    forwardSeconds,
    backwardSeconds / 2,
    backwardSeconds / 2,
  );
  return { schedule, result: simulateSchedule(schedule, { ...costs, p2pSeconds: 5e-4 }) };
}

const BIG: ScheduleRequest = {
  kind: 'interleaved-1f1b',
  numRanks: 8,
  numMicroBatches: 64,
  virtualStages: 4,
};

describe('grouped SVG of a real-plan-sized schedule (p=8, m=64, v=4)', () => {
  const { schedule, result } = simulated(BIG);
  const svg = scheduleToSvg(schedule, result);
  const boxes = [...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"/gi)];

  it('is a well-formed SVG that groups 4,096 actions into far fewer boxes', () => {
    expect(result.timeline).toHaveLength(8 * 64 * 4 * 2);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(tagsBalanced(svg)).toBe(true);
    expect(svg).toContain('Grouped:');
    // Per rank and row, runs of p = 8 micro-batches of one chunk: ~64 boxes per rank, not 512.
    expect(boxes.length).toBeGreaterThan(8 * 2 * 16);
    expect(boxes.length).toBeLessThan(result.timeline.length / 4);
  });

  it('labels runs with their chunk and micro-batch range', () => {
    expect(svg).toMatch(/>c[0-3] \d+–\d+</);
    expect(svg).toMatch(/micro-batch \d+–\d+ \(8 actions\)/);
  });

  it('tells the four chunks apart by shade, for forward and backward', () => {
    const fills = new Set(boxes.map((m) => m[1]?.toLowerCase()));
    for (const kind of ['F', 'B'] as const) {
      const shades = [0, 1, 2, 3].map((c) => shade(kind, c, 4).toLowerCase());
      expect(new Set(shades).size).toBe(4);
      for (const s of shades) expect(fills).toContain(s);
    }
  });

  it('draws bubbles as hatched idle boxes, the axis in seconds and a legend', () => {
    expect(svg).toContain('fill="url(#idle-hatch)"');
    expect(svg).toMatch(/<title>rank 7 idle [\d.]+ s<\/title>/);
    expect(svg).toContain('>s</text>');
    expect(svg).toContain('makespan');
    expect(svg).toMatch(/>idle \d+\.\d%</);
    expect(svg).toContain('>chunk 3<');
    expect(svg).toContain('idle (pipeline bubble)');
  });

  it('never merges across an idle gap: every run lies in the rank’s busy time', () => {
    const tips = [
      ...svg.matchAll(
        /<title>rank (\d+): ([FB])[^,]*, micro-batch [^(]*\((\d+) actions\), ([\d.]+) s–([\d.]+) s<\/title>/g,
      ),
    ];
    expect(tips.length).toBeGreaterThan(0);
    const actions = tips.reduce((sum, t) => sum + Number(t[3]), 0);
    expect(actions).toBe(result.timeline.length);
  });
});

describe('action-by-action SVG', () => {
  it('shades interleaved chunks apart and keeps one <rect> per action', () => {
    const { schedule, result } = simulated(
      { kind: 'interleaved-1f1b', numRanks: 4, numMicroBatches: 8, virtualStages: 2 },
      0.001,
      0.002,
    );
    const svg = scheduleToSvg(schedule, result);
    expect(svg.match(/<rect /g)).toHaveLength(result.timeline.length);
    expect(svg).toContain(`fill="${shade('F', 1, 2)}"`);
    expect(svg).toContain(`fill="${shade('F', 0, 2)}"`);
    expect(svg).toContain('chunk 1');
  });

  it('mode "grouped" and "actions" override the automatic choice', () => {
    const { schedule, result } = simulated({ kind: '1f1b', numRanks: 2, numMicroBatches: 4 });
    expect(scheduleToSvg(schedule, result, { mode: 'grouped' })).toContain('Grouped:');
    const big = simulated(BIG);
    const actions = scheduleToSvg(big.schedule, big.result, { mode: 'actions' });
    expect(actions.match(/<rect /g)).toHaveLength(big.result.timeline.length);
  });

  it('chunkOfStage: interleaved chunks go s div p, the V-shape goes down then up', () => {
    const interleaved = generateSchedule({ ...BIG, numMicroBatches: 8 });
    expect(chunkOfStage(interleaved).slice(0, 17)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2,
    ]);
    const v = generateSchedule({ kind: 'zb-v', numRanks: 4, numMicroBatches: 8 });
    expect(chunkOfStage(v)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });
});
