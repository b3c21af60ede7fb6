/**
 * Domain → API response, in one place: short names → long names, Plan → API Plan,
 * CostBreakdown → Estimate (base units with suffixes, STYLE.md §3).
 */
import type { CostBreakdown, Strategy } from '../costmodel/index.js';
import type { Plan, StagePlacement } from '../plan/index.js';
import type { PlanResult } from '../search/index.js';
import type {
  ApiEstimate,
  ApiPlan,
  ApiStagePlacement,
  ApiStrategy,
  PlanResponse,
} from './response-schemas.js';

export function strategyToApi(s: Strategy): ApiStrategy {
  return {
    dataParallel: s.dp,
    tensorParallel: s.tp,
    pipelineParallel: s.pp,
    contextParallel: s.cp,
    virtualStages: s.virtualStages,
    sequenceSlices: s.sequenceSlices,
    sequenceParallel: s.sequenceParallel,
    microBatchSize: s.microBatchSize,
    numMicroBatches: s.numMicroBatches,
    recompute: s.recompute,
    recomputeLayers: s.recomputeLayers,
    zeroStage: s.zeroStage,
    schedule: s.schedule,
    layersPerStage: s.layersPerStage === null ? null : [...s.layersPerStage],
  };
}

export function estimateToApi(c: CostBreakdown): ApiEstimate {
  return {
    stepTimeSeconds: c.stepTimeSeconds,
    tokensPerSecond: c.tokensPerSecond,
    mfu: c.mfu,
    hfu: c.hfu,
    tflopsPerGpu: c.tflopsPerGpu,
    fits: c.fits,
    peakMemoryBytesPerGpu: c.peakMemoryBytesPerGpu,
    memoryCapacityBytesPerGpu: c.memoryCapacityBytesPerGpu,
    memoryBytes: { ...c.memoryBytes },
    timeSeconds: { ...c.timeSeconds },
    modelFlopsPerStep: c.modelFlopsPerStep,
    hardwareFlopsPerStep: c.hardwareFlopsPerStep,
    stages: c.stages.map((st) => ({
      stage: st.stage,
      layers: st.layers,
      hasEmbedding: st.hasEmbedding,
      hasLmHead: st.hasLmHead,
      forwardSeconds: st.forwardSeconds,
      backwardSeconds: st.backwardSeconds,
      backwardInputSeconds: st.backwardInputSeconds,
      backwardWeightSeconds: st.backwardWeightSeconds,
      peakMemoryBytes: st.peakMemoryBytes,
    })),
  };
}

export function layoutToApi(layout: readonly StagePlacement[]): ApiStagePlacement[] {
  return layout.map((p) => ({ ...p }));
}

export function planToApi(plan: Plan): ApiPlan {
  return {
    strategy: strategyToApi(plan.strategy),
    estimate: estimateToApi(plan.estimate),
    layout: layoutToApi(plan.layout),
    worldSize: plan.worldSize,
    gpusPerNode: plan.gpusPerNode,
    nodes: plan.numNodes,
    accelerator: plan.acceleratorId,
    model: plan.modelName,
  };
}

export function planResultToApi(result: PlanResult, elapsedSeconds: number): PlanResponse {
  return {
    best: planToApi(result.best),
    alternatives: result.alternatives.map(planToApi),
    search: {
      candidates: result.search.candidates,
      feasible: result.search.feasible,
      rejected: { ...result.search.rejected },
      elapsedSeconds,
      truncated: result.search.truncated,
    },
  };
}
