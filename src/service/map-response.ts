/**
 * Domain → API response, in one place: short names → long names, Plan → API Plan,
 * CostBreakdown → Estimate (base units with suffixes, STYLE.md §3).
 */
import type { CostBreakdown, Strategy } from '../costmodel/index.js';
import type { Plan, PlanSchedule, StagePlacement } from '../plan/index.js';
import type { PlanResult } from '../search/index.js';
import type {
  ApiPlanSchedule,
  ApiEstimate,
  ApiPlan,
  ApiStagePlacement,
  ApiStrategy,
  PlanResponse,
} from '../contract/index.js';

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

export function scheduleToApi(s: PlanSchedule | null): ApiPlanSchedule | null {
  if (s === null) return null;
  return {
    kind: s.kind,
    numRanks: s.numRanks,
    numStages: s.numStages,
    numMicroBatches: s.numMicroBatches,
    chunksPerRank: s.chunksPerRank,
    slicesPerMicroBatch: s.slicesPerMicroBatch,
    stageToRank: [...s.stageToRank],
    ranks: s.ranks.map((actions) => [...actions]),
    makespanSeconds: s.makespanSeconds,
    bubbleFraction: s.bubbleFraction,
    bubbleFractionPerRank: [...s.bubbleFractionPerRank],
    peakInFlightMicroBatches: [...s.peakInFlightMicroBatches],
  };
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
    schedule: scheduleToApi(plan.schedule),
  };
}

export function planResultToApi(
  result: PlanResult,
  elapsedSeconds: number,
  id: string,
): PlanResponse {
  return {
    id,
    best: planToApi(result.best),
    alternatives: result.alternatives.map(planToApi),
    search: {
      candidates: result.search.candidates,
      feasible: result.search.feasible,
      rejected: { ...result.search.rejected },
      elapsedSeconds,
      truncated: result.search.truncated,
      idleNodes: result.search.idleNodes,
      allNodesStepTimeSeconds: result.search.allNodesStepTimeSeconds,
    },
  };
}
