/** Shared fixtures for the heterogeneous planner tests. */
import { buildModelGraph } from '../../src/graph/index.js';
import { findModel, loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import type { TrainingConfig } from '../../src/costmodel/index.js';

export const catalog = loadProfileCatalog();

export function zooGraph(id: string, sequenceLength: number) {
  return buildModelGraph(findModel(catalog, id).spec, sequenceLength);
}

export function training(globalBatchSize: number, sequenceLength: number): TrainingConfig {
  return {
    globalBatchSize,
    sequenceLength,
    precision: 'bf16',
    flashAttention: true,
    dropout: false,
    overlapGradientReduce: true,
    overlapParameterGather: true,
    overlapTensorParallelComm: false,
    overlapPipelineP2p: false,
    prefetchParameters: true,
    memoryHeadroomFraction: 0,
    framework: 'megatron',
  };
}
