/** Shared study specs: small zoo models on 1–8 nodes, capped search so 50 scenarios take seconds. */
import type { StudySpec } from '../../src/contract/index.js';

export const FIFTY_SCENARIOS = {
  axes: {
    models: ['gpt-1.7b', 'llama3-8b'],
    clusters: [
      { preset: 'dgx-h100', nodes: 1 },
      { preset: 'dgx-a100-80gb', nodes: 1 },
      { preset: 'dgx-h200', nodes: 1 },
      { preset: 'dgx-b200', nodes: 1 },
      { preset: 'amd-mi300x-8', nodes: 1 },
    ],
    nodes: [1, 2, 4, 6, 8],
  },
  goal: { tokens: 1e11, deadlineDays: 3 },
  prices: { 'nvidia-b200-sxm-180gb': 5.5 },
  training: { globalBatchSize: 384, sequenceLength: 2048 },
  search: { maxCandidates: 300 },
} satisfies StudySpec;

/** A tiny 4-scenario spec for HTTP tests. */
export const SMALL = {
  axes: {
    models: ['gpt-1.7b'],
    clusters: [{ preset: 'dgx-h100', nodes: 1 }],
    nodes: [1, 2],
    globalBatchSizes: [64, 128],
  },
  goal: { tokens: 1e10, deadlineDays: 1 },
  training: { sequenceLength: 2048 },
  search: { maxCandidates: 200 },
} satisfies StudySpec;

/** Results without fields that may legitimately differ between runs (none today). */
export const comparable = (rows: readonly unknown[]): string => JSON.stringify(rows);
