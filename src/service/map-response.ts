/**
 * Domain → API response, in one place: short names → long names, Plan → API Plan,
 * CostBreakdown → Estimate (base units with suffixes, STYLE.md §3).
 */
import type { CostBreakdown, Framework, Strategy } from '../costmodel/index.js';
import type { AccuracyBands } from '../hardware-profiles/index.js';
import { bandFor, compareRunnerUp, estimateBands } from './error-bands.js';
import type { Plan, PlanSchedule, StagePlacement } from '../plan/index.js';
import type { PlanResult } from '../search/index.js';
import type {
  ApiPlanSchedule,
  ApiEstimate,
  ApiPlan,
  ApiRunnerUp,
  ApiStagePlacement,
  ApiStrategy,
  PlanResponse,
} from '../contract/index.js';
import { rankedPlansToApi } from './ranked-plans.js';

export function strategyToApi(s: Strategy): ApiStrategy {
  return {
    dataParallel: s.dp,
    tensorParallel: s.tp,
    pipelineParallel: s.pp,
    contextParallel: s.cp,
    contextParallelComm: s.cpComm ?? 'p2p',
    expertParallel: s.ep ?? 1,
    expertTensorParallel: s.etp ?? 1,
    virtualStages: s.virtualStages,
    sequenceSlices: s.sequenceSlices,
    sequenceParallel: s.sequenceParallel,
    microBatchSize: s.microBatchSize,
    numMicroBatches: s.numMicroBatches,
    recompute: s.recompute,
    recomputeLayers: s.recomputeLayers,
    ...(s.recomputeModules === undefined ? {} : { recomputeModules: [...s.recomputeModules] }),
    zeroStage: s.zeroStage,
    dataParallelShard: s.dpShard ?? s.dp,
    schedule: s.schedule,
    layersPerStage: s.layersPerStage === null ? null : [...s.layersPerStage],
  };
}

export function estimateToApi(
  c: CostBreakdown,
  framework: Framework,
  accuracy: AccuracyBands,
): ApiEstimate {
  const bands = estimateBands(c, framework, accuracy);
  return {
    stepTimeSeconds: c.stepTimeSeconds,
    tokensPerSecond: c.tokensPerSecond,
    mfu: c.mfu,
    hfu: c.hfu,
    tflopsPerGpu: c.tflopsPerGpu,
    fits: c.fits,
    peakMemoryBytesPerGpu: c.peakMemoryBytesPerGpu,
    memoryCapacityBytesPerGpu: c.memoryCapacityBytesPerGpu,
    usableMemoryBytesPerGpu: c.usableMemoryBytesPerGpu,
    memoryMarginBytes: bands.memoryMarginBytes,
    nearCapacity: bands.nearCapacity,
    peakMemoryRangeBytes: { ...bands.peakMemoryRangeBytes },
    stepTimeRangeSeconds: { ...bands.stepTimeRangeSeconds },
    errorBandRows: bands.errorBandRows,
    memoryBytes: { ...c.memoryBytes },
    timeSeconds: { ...c.timeSeconds },
    hiddenCommSeconds: { ...c.hiddenCommSeconds },
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

export function planToApi(plan: Plan, accuracy: AccuracyBands): ApiPlan {
  return {
    strategy: strategyToApi(plan.strategy),
    estimate: estimateToApi(plan.estimate, plan.training.framework, accuracy),
    layout: layoutToApi(plan.layout),
    worldSize: plan.worldSize,
    gpusPerNode: plan.gpusPerNode,
    nodes: plan.numNodes,
    accelerator: plan.acceleratorId,
    model: plan.modelName,
    schedule: scheduleToApi(plan.schedule),
  };
}

/** Short description of a strategy for notes: its degrees and schedule. */
function describeStrategy(s: Strategy): string {
  return `dp=${s.dp} tp=${s.tp} pp=${s.pp}${s.virtualStages > 1 ? ` v=${s.virtualStages}` : ''} mbs=${s.microBatchSize} ZeRO-${s.zeroStage}${s.dpShard !== undefined && s.dpShard < s.dp ? ` HSDP shard=${s.dpShard}` : ''} ${s.recompute} recompute`;
}

function runnerUpToApi(result: PlanResult, accuracy: AccuracyBands): ApiRunnerUp | null {
  const [runnerUp] = result.alternatives;
  if (runnerUp === undefined) return null;
  const framework = result.best.training.framework;
  return {
    ...compareRunnerUp(
      result.best.estimate.stepTimeSeconds,
      runnerUp.estimate.stepTimeSeconds,
      bandFor(accuracy.stepTime, framework),
      describeStrategy(runnerUp.strategy),
    ),
  };
}

export function planResultToApi(
  result: PlanResult,
  elapsedSeconds: number,
  id: string,
  accuracy: AccuracyBands,
): PlanResponse {
  const ranked = rankedPlansToApi(result, (p) => planToApi(p, accuracy));
  return {
    id,
    ...ranked,
    search: {
      ...ranked.search,
      elapsedSeconds,
      truncated: result.search.truncated,
      lowerBoundSeconds: result.search.lowerBoundSeconds,
      gapFraction: result.search.gapFraction,
      idleNodes: result.search.idleNodes,
      allNodesStepTimeSeconds: result.search.allNodesStepTimeSeconds,
      runnerUp: runnerUpToApi(result, accuracy),
    },
  };
}
