/** Hand-made study result rows for the analysis, CSV and CLI report tests. */
import type { ScenarioResult } from '../../src/studies/index.js';
import { strategyWith } from '../fixtures/strategy.js';

/** A feasible row of `model` with the given time to train and cost. */
export const row = (
  index: number,
  model: string,
  days: number,
  cost: number,
  meetsDeadline = true,
): ScenarioResult =>
  ({
    scenario: {
      index,
      label: `${model} s${index}`,
      model,
      cluster: 'dgx-h100',
      acceleratorId: 'nvidia-h100-sxm-80gb',
      nodes: 1,
      gpus: 8,
      globalBatchSize: 64,
      sequenceLength: 4096,
    },
    plan: {
      acceleratorId: 'nvidia-h100-sxm-80gb',
      worldSize: 8,
      strategy: strategyWith({
        dp: 2,
        tp: 2,
        pp: 2,
        virtualStages: 3,
        sequenceParallel: true,
        numMicroBatches: 32,
        recompute: 'selective',
        zeroStage: 1,
        schedule: 'interleaved-1f1b',
      }),
      estimate: {
        stepTimeSeconds: 1,
        tokensPerSecond: 1,
        mfu: 0.5,
        hfu: 0.5,
        peakMemoryBytesPerGpu: 70e9,
        memoryCapacityBytesPerGpu: 85_899_345_920,
      },
    },
    timeToTrainDays: days,
    gpuHours: 1,
    priceUsdPerGpuHour: 1,
    costUsd: cost,
    energyKwh: 1,
    meetsDeadline,
    violations: [],
    notes: [],
  }) as unknown as ScenarioResult;
