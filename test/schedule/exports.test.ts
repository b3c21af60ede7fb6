// CSV, Chrome trace and SVG exports.
import { describe, expect, it } from 'vitest';
import {
  generateSchedule,
  scheduleToChromeTrace,
  scheduleToCsv,
  scheduleToSvg,
  simulateSchedule,
  type ScheduleRequest,
} from '../../src/schedule/index.js';
import { escapeXml } from '../../src/schedule/export-svg.js';
import { uniformCosts } from './fixtures.js';
import { tagsBalanced } from './tags-balanced.js';

function simulated(request: ScheduleRequest) {
  const schedule = generateSchedule(request);
  const result = simulateSchedule(schedule, uniformCosts(schedule.numStages, 0.001, 0.001, 0.001));
  return { schedule, result };
}

describe('PyTorch CSV', () => {
  it('writes one row per rank in the compute_only format', () => {
    const schedule = generateSchedule({ kind: '1f1b', numRanks: 2, numMicroBatches: 2 });
    expect(scheduleToCsv(schedule)).toBe('0F0,0F1,0B0,0B1\n1F0,1B0,1F1,1B1\n');
  });

  it('writes I and W cells for zero-bubble schedules', () => {
    const csv = scheduleToCsv(generateSchedule({ kind: 'zb-h1', numRanks: 2, numMicroBatches: 2 }));
    expect(csv.split('\n')[1]).toBe('1F0,1I0,1F1,1I1,1W0,1W1');
  });

  it('flattens slices: micro-batch i, slice j of k is written as i·k + j', () => {
    const schedule = generateSchedule({
      kind: 'seq-slice-1f1b',
      numRanks: 1,
      numMicroBatches: 2,
      slices: 2,
    });
    expect(scheduleToCsv(schedule)).toBe('0F0,0F1,0B1,0F2,0B0,0F3,0B3,0B2\n');
  });
});

describe('Chrome trace', () => {
  it('has one complete event per action, in microseconds, tid = rank', () => {
    const { schedule, result } = simulated({
      kind: 'interleaved-1f1b',
      numRanks: 2,
      numMicroBatches: 4,
      virtualStages: 2,
    });
    const trace = scheduleToChromeTrace(schedule, result);
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(complete).toHaveLength(result.timeline.length);
    const first = complete[0];
    expect(first).toMatchObject({
      name: 'F0',
      ph: 'X',
      ts: 0,
      pid: 0,
      tid: 0,
      args: { stage: 0, microBatch: 0 },
    });
    expect(first?.dur).toBeCloseTo(1000, 6); // 1 ms per chunk per micro-batch
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });
});

describe('SVG Gantt chart', () => {
  const requests: ScheduleRequest[] = [
    { kind: '1f1b', numRanks: 4, numMicroBatches: 8 },
    { kind: 'zb-v', numRanks: 4, numMicroBatches: 8 },
    { kind: 'seq-slice-1f1b', numRanks: 3, numMicroBatches: 3, slices: 2 },
  ];
  it.each(requests)(
    '$kind is a well-formed standalone SVG with one <rect> per action',
    (request) => {
      const { schedule, result } = simulated(request);
      const svg = scheduleToSvg(schedule, result);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
      expect(tagsBalanced(svg)).toBe(true);
      expect(svg.match(/<rect /g)).toHaveLength(result.timeline.length);
      expect(svg).toContain(`${request.kind} — p=${request.numRanks} m=${request.numMicroBatches}`);
      expect(svg).toContain('makespan');
      expect(svg).toContain('bubble');
      expect(svg).toContain('>ms<');
    },
  );

  it('escapes text', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    const { schedule, result } = simulated({ kind: 'gpipe', numRanks: 2, numMicroBatches: 2 });
    expect(scheduleToSvg(schedule, result)).not.toMatch(/<[^a-zA-Z/!?]/);
  });
});
