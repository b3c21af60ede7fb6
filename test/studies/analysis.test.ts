// Study analysis per model (an 8B model never crowds a 70B one off the frontier) and the CSV columns.
import { describe, expect, it } from 'vitest';
import { analyseStudy, paretoFrontier, paretoSvg, resultsToCsv } from '../../src/studies/index.js';
import { row } from './result-rows.js';

// The 8B scenarios are all faster and cheaper than every 70B one.
const ROWS = [
  row(0, 'llama3-8b', 2, 100),
  row(1, 'llama3-8b', 1, 300),
  row(2, 'llama3-70b', 20, 5000),
  row(3, 'llama3-70b', 10, 9000),
  row(4, 'llama3-70b', 15, 9500),
  row(5, 'llama3-70b', 30, 4000, false),
];

describe('study analysis per model', () => {
  it('each model has its own Pareto frontier', () => {
    const frontier = paretoFrontier(ROWS);
    expect(frontier.map((p) => [p.model, p.index])).toEqual([
      ['llama3-8b', 1],
      ['llama3-8b', 0],
      ['llama3-70b', 3],
      ['llama3-70b', 2],
      ['llama3-70b', 5],
    ]);
  });

  it('per model: frontier, cheapest in the deadline, counts', () => {
    const analysis = analyseStudy(ROWS);
    expect(analysis.models.map((m) => m.model)).toEqual(['llama3-8b', 'llama3-70b']);
    const big = analysis.models[1];
    expect(big?.frontier.map((p) => p.index)).toEqual([3, 2, 5]);
    expect(big?.cheapestMeetingDeadline?.scenario.index).toBe(2);
    expect(big?.feasibleCount).toBe(4);
    expect(analysis.models[0]?.cheapestMeetingDeadline?.scenario.index).toBe(0);
  });
});

describe('study CSV', () => {
  it('has the strategy, ZeRO, recompute and memory columns', () => {
    const [header, first] = resultsToCsv(ROWS.slice(0, 1)).split('\r\n');
    const columns = header?.split(',') ?? [];
    const cells = first?.split(',') ?? [];
    const cell = (name: string) => cells[columns.indexOf(name)];
    expect(columns).toEqual(
      expect.arrayContaining([
        'virtualStages',
        'numMicroBatches',
        'sequenceParallel',
        'zeroStage',
        'recompute',
        'recomputeLayers',
        'schedule',
        'peakMemoryBytesPerGpu',
        'memoryCapacityBytesPerGpu',
      ]),
    );
    expect(cell('zeroStage')).toBe('1');
    expect(cell('recompute')).toBe('selective');
    expect(cell('schedule')).toBe('interleaved-1f1b');
    expect(cell('virtualStages')).toBe('3');
    expect(cell('peakMemoryBytesPerGpu')).toBe('70000000000');
    expect(cell('memoryCapacityBytesPerGpu')).toBe('85899345920');
  });
});

describe('Pareto chart', () => {
  it('draws one frontier line per model, labelled, never across models', () => {
    const svg = paretoSvg(ROWS);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('>llama3-8b</text>');
    expect(svg).toContain('>llama3-70b</text>');
    expect(svg).toContain('Pareto frontier (per model)');
  });
});
