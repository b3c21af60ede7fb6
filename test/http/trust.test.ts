/**
 * Estimates you can bet a cluster on (issue #12), over HTTP: every estimate carries its error
 * band, a memory verdict with margin and near-capacity flag, hidden vs exposed communication; the
 * plan says how it compares with the runner-up; bad trust inputs are 400s naming the field.
 */
import { describe, expect, it } from 'vitest';
import { EstimateResponse, PlanResponse, Problem } from '../../src/contract/index.js';
import { PROBLEM_JSON, SMALL_PLAN, serverForFile } from './server.js';

const server = serverForFile();

const strategy = {
  dataParallel: 2,
  tensorParallel: 8,
  pipelineParallel: 1,
  microBatchSize: 1,
  zeroStage: 1,
} as const;

async function estimate(training: Record<string, unknown> = {}) {
  const res = await server.post('/v1/estimates', {
    ...SMALL_PLAN,
    training: { ...SMALL_PLAN.training, ...training },
    strategy,
  });
  return res;
}

describe('error bands and memory verdicts', () => {
  it('an estimate carries step-time and memory ranges around the prediction', async () => {
    const res = await estimate();
    expect(res.status).toBe(200);
    const { estimate: e } = EstimateResponse.parse(await res.json());
    expect(e.stepTimeRangeSeconds.low).toBeLessThanOrEqual(e.stepTimeSeconds);
    expect(e.stepTimeRangeSeconds.high).toBeGreaterThanOrEqual(e.stepTimeSeconds);
    expect(e.peakMemoryRangeBytes.low).toBeLessThanOrEqual(e.peakMemoryBytesPerGpu);
    expect(e.peakMemoryRangeBytes.high).toBeGreaterThanOrEqual(e.peakMemoryBytesPerGpu);
    expect(e.errorBandRows).toBeGreaterThanOrEqual(10);
    expect(e.usableMemoryBytesPerGpu).toBeCloseTo(0.95 * e.memoryCapacityBytesPerGpu, 0);
    expect(e.memoryMarginBytes).toBeCloseTo(e.usableMemoryBytesPerGpu - e.peakMemoryBytesPerGpu, 0);
    expect(e.hiddenCommSeconds.tensorParallelComm).toBeGreaterThanOrEqual(0);
  });

  it('memoryHeadroomFraction moves the usable memory; a plan inside the band is nearCapacity', async () => {
    const base = EstimateResponse.parse(await (await estimate()).json()).estimate;
    const peak = base.peakMemoryBytesPerGpu;
    const capacity = base.memoryCapacityBytesPerGpu;
    // Leave just enough headroom that the peak fits but its band's upper end does not.
    const headroom = 1 - (peak * 1.01) / capacity;
    if (headroom > 0 && headroom < 0.5) {
      const e = EstimateResponse.parse(
        await (await estimate({ memoryHeadroomFraction: headroom })).json(),
      ).estimate;
      expect(e.fits).toBe(true);
      expect(e.nearCapacity).toBe(true);
      expect(e.memoryMarginBytes).toBeGreaterThan(0);
    }
  });

  it('--tp-comm-overlap hides TP communication and shortens the step', async () => {
    const off = EstimateResponse.parse(await (await estimate()).json()).estimate;
    const on = EstimateResponse.parse(
      await (await estimate({ overlapTensorParallelComm: true })).json(),
    ).estimate;
    expect(on.hiddenCommSeconds.tensorParallelComm).toBeGreaterThan(0);
    expect(on.timeSeconds.tensorParallelComm).toBeLessThan(off.timeSeconds.tensorParallelComm);
    expect(on.stepTimeSeconds).toBeLessThan(off.stepTimeSeconds);
  });

  it('a plan compares its best with the runner-up against the band, in words', async () => {
    const res = await server.post('/v1/plans', { ...SMALL_PLAN, search: { topK: 2 } });
    const body = PlanResponse.parse(await res.json());
    const runnerUp = body.search.runnerUp;
    expect(runnerUp).not.toBeNull();
    if (runnerUp === null) return;
    expect(runnerUp.slowerByFraction).toBeGreaterThanOrEqual(0);
    expect(runnerUp.note).toMatch(/runner-up .* error band/);
  });
});

describe('bad trust inputs are 400 naming the field', () => {
  it.each([
    [
      'memoryHeadroomFraction below 0',
      { memoryHeadroomFraction: -0.1 },
      'training.memoryHeadroomFraction',
    ],
    [
      'memoryHeadroomFraction of 0.5',
      { memoryHeadroomFraction: 0.5 },
      'training.memoryHeadroomFraction',
    ],
    ['an unknown overlap field', { overlapEverything: true }, 'training'],
    [
      '--tp-comm-overlap under DeepSpeed',
      { framework: 'deepspeed', overlapTensorParallelComm: true },
      'training.overlapTensorParallelComm',
    ],
    [
      'overlapped p2p under DeepSpeed',
      { framework: 'deepspeed', overlapPipelineP2p: true },
      'training.overlapPipelineP2p',
    ],
  ])('%s', async (_name, training, field) => {
    const res = await estimate(training);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await res.json());
    expect(problem.field).toBe(field);
  });
});
