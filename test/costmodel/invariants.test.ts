/** Invariants of estimate() (STYLE.md §11 b): properties that hold whatever the calibration. */
import { describe, expect, it } from 'vitest';
import { clusterFromPreset } from '../../src/hardware-profiles/index.js';
import { estimate, PlanningError } from '../../src/costmodel/index.js';
import type { Strategy } from '../../src/costmodel/index.js';
import { catalog, fixedTraining, zooGraph } from '../fixtures/planning.js';
import { strategyWith } from '../fixtures/strategy.js';

const graph = zooGraph('llama3-8b', 4096);
const cluster = clusterFromPreset(catalog, 'dgx-h100', 4);
const training = fixedTraining(256, 4096);
const base: Strategy = strategyWith({
  dp: 8,
  tp: 2,
  pp: 2,
  sequenceParallel: true,
  numMicroBatches: 32,
  recompute: 'selective',
  zeroStage: 1,
});
const run = (over: Partial<Strategy>) => estimate(graph, cluster, { ...base, ...over }, training);

describe('estimate invariants', () => {
  it('tp = 1 ⇒ no tensor-parallel communication', () => {
    expect(
      run({ tp: 1, dp: 16, sequenceParallel: false, numMicroBatches: 16 }).timeSeconds
        .tensorParallelComm,
    ).toBe(0);
  });
  it('pp = 1 ⇒ no bubble and no pipeline communication', () => {
    const e = run({ pp: 1, dp: 16, numMicroBatches: 16 });
    expect(e.timeSeconds.bubble).toBe(0);
    expect(e.timeSeconds.pipelineComm).toBe(0);
  });
  it('dp = 1 ⇒ no data-parallel communication', () => {
    const small = clusterFromPreset(catalog, 'dgx-h100', 1);
    const e = estimate(graph, small, { ...base, dp: 1, tp: 4, numMicroBatches: 256 }, training);
    expect(e.timeSeconds.dataParallelComm).toBe(0);
  });
  it('the step is at least the sum of its critical-path compute, and memory parts sum to the peak', () => {
    const e = run({});
    const t = e.timeSeconds;
    expect(e.stepTimeSeconds).toBeGreaterThanOrEqual(
      t.compute + t.recompute + t.tensorParallelComm,
    );
    const m = e.memoryBytes;
    expect(m.weights + m.gradients + m.optimizer + m.activations + m.other).toBeCloseTo(
      e.peakMemoryBytesPerGpu,
      0,
    );
    expect(e.mfu).toBeLessThanOrEqual(e.hfu);
    expect(e.mfu).toBeGreaterThan(0);
    expect(e.mfu).toBeLessThan(1);
  });
  it('recompute trades memory for time; more micro-batches shrink the bubble fraction', () => {
    const none = run({ recompute: 'none' });
    const full = run({ recompute: 'full' });
    expect(full.memoryBytes.activations).toBeLessThan(none.memoryBytes.activations);
    expect(full.stepTimeSeconds).toBeGreaterThan(none.stepTimeSeconds);
    const few = run({ microBatchSize: 4, numMicroBatches: 8 });
    const many = run({ microBatchSize: 1, numMicroBatches: 32 });
    expect(many.timeSeconds.bubble / many.stepTimeSeconds).toBeLessThan(
      few.timeSeconds.bubble / few.stepTimeSeconds,
    );
  });
  it('ZeRO stages only ever lower model-state memory (DeepSpeed, which has all four)', () => {
    const deepspeed = { ...training, framework: 'deepspeed' as const };
    const bytes = [0, 1, 2, 3].map((z) => {
      const strategy = { ...base, pp: 1, dp: 16, numMicroBatches: 16 };
      const m = estimate(
        graph,
        cluster,
        { ...strategy, zeroStage: z as Strategy['zeroStage'] },
        deepspeed,
      ).memoryBytes;
      return m.weights + m.gradients + m.optimizer;
    });
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeLessThan(bytes[i - 1] ?? 0);
  });
  it('is deterministic', () => {
    expect(run({})).toEqual(run({}));
  });
  it('rejects impossible strategies with a reason and the offending field', () => {
    const attempt = (over: Partial<Strategy>) => {
      try {
        run(over);
      } catch (error) {
        return error instanceof PlanningError
          ? { reason: error.reason, field: error.field, message: error.message }
          : error;
      }
      return null;
    };
    expect(attempt({ tp: 3 })).toMatchObject({ reason: 'world-size-mismatch' });
    expect(attempt({ dp: 4, tp: 4, numMicroBatches: 64 })).toBeNull();
    const badHeads = estimateWithTp(3);
    expect(badHeads).toMatchObject({
      reason: 'heads-not-divisible',
      field: 'strategy.tensorParallel',
    });
    expect((badHeads as { message: string }).message).toBe(
      'tp=3 does not divide 32 attention heads',
    );
    expect(attempt({ numMicroBatches: 31 })).toMatchObject({ reason: 'batch-not-divisible' });
  });
});

function estimateWithTp(tp: number): unknown {
  const c = { ...clusterFromPreset(catalog, 'dgx-h100', 1), gpusPerNode: 6 };
  try {
    estimate(graph, c, { ...base, dp: 1, tp, pp: 2, numMicroBatches: 256 }, training);
  } catch (error) {
    return error instanceof PlanningError
      ? { reason: error.reason, field: error.field, message: error.message }
      : error;
  }
  return null;
}
