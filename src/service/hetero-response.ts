/**
 * Heterogeneous plans, domain → API (STYLE.md §3, §6): HeteroPlan's short names and tuples
 * (tp, dp, layers [first, count], ranks [first, last]) → long names with one field each.
 */
import type { ParetoPoint } from '../search/index.js';
import type { HeteroPlan, HeteroReplica, HeteroStage } from '../plan/index.js';
import { planToApi } from './map-response.js';
import type { AccuracyBands } from '../hardware-profiles/index.js';
import type { ApiFrontierPoint, ApiHeteroPlan } from '../contract/index.js';

type ApiStage = NonNullable<ApiHeteroPlan['stages']>[number];
type ApiReplica = NonNullable<ApiHeteroPlan['replicas']>[number];

/** A [first, last] rank tuple as the API's two fields. */
const rankRange = ([firstRank, lastRank]: readonly [number, number]) => ({ firstRank, lastRank });

function stageToApi(s: HeteroStage): ApiStage {
  return {
    stage: s.stage,
    group: s.group,
    accelerator: s.accelerator,
    tensorParallel: s.tp,
    dataParallel: s.dp,
    firstLayer: s.layers[0],
    numLayers: s.layers[1],
    hasEmbedding: s.hasEmbedding,
    hasLmHead: s.hasLmHead,
    ...rankRange(s.ranks),
    forwardSeconds: s.forwardSeconds,
    backwardSeconds: s.backwardSeconds,
    peakMemoryBytes: s.peakMemoryBytes,
    memoryCapacityBytes: s.memoryCapacityBytes,
  };
}

function replicaToApi(r: HeteroReplica): ApiReplica {
  return {
    group: r.group,
    accelerator: r.accelerator,
    gpus: r.gpus,
    tensorParallel: r.tp,
    pipelineParallel: r.pp,
    dataParallel: r.dp,
    microBatchSize: r.microBatchSize,
    globalBatchShare: r.globalBatchShare,
    numMicroBatches: r.microBatches,
    ...rankRange(r.ranks),
    finishSeconds: r.finishSeconds,
    peakMemoryBytes: r.peakMemoryBytes,
  };
}

export function heteroPlanToApi(p: HeteroPlan, accuracy: AccuracyBands): ApiHeteroPlan {
  const layout = p.launcher.megatronPipelineLayout;
  return {
    kind: p.kind,
    stepTimeSeconds: p.stepTimeSeconds,
    costUsdPerHour: p.costUsdPerHour,
    costUsdPerStep: p.costUsdPerStep,
    tokensPerSecond: p.tokensPerSecond,
    mfu: p.mfu,
    gpusUsed: p.gpusUsed,
    gpusPerGroup: [...p.gpusPerGroup],
    microBatchSize: p.microBatchSize,
    ...(p.stages === undefined ? {} : { stages: p.stages.map(stageToApi) }),
    ...(p.replicas === undefined ? {} : { replicas: p.replicas.map(replicaToApi) }),
    launcher: {
      ...(layout === undefined ? {} : { megatronPipelineLayout: layout }),
      notes: [...p.launcher.notes],
    },
    ...(p.homogeneousPlan === undefined
      ? {}
      : { homogeneousPlan: planToApi(p.homogeneousPlan, accuracy) }),
  };
}

/**
 * A frontier point in inventory terms. The point's plan was made on the sub-cluster of the
 * inventory items with nodes > 0, so its group indices are renumbered to inventory indices.
 */
export function frontierPointToApi(
  point: ParetoPoint,
  gpusPerNode: readonly number[],
  accuracy: AccuracyBands,
): ApiFrontierPoint {
  const used = point.nodesPerGroup.flatMap((n, g) => (n > 0 ? [g] : []));
  const toInventory = (g: number): number => used[g] ?? g;
  const plan = heteroPlanToApi(point.plan, accuracy);
  const planGpus = point.nodesPerGroup.map(() => 0);
  plan.gpusPerGroup.forEach((n, g) => (planGpus[toInventory(g)] = n));
  return {
    nodesPerGroup: [...point.nodesPerGroup],
    gpusPerGroup: point.nodesPerGroup.map((n, g) => n * (gpusPerNode[g] ?? 0)),
    stepTimeSeconds: point.stepTimeSeconds,
    costUsdPerHour: point.costUsdPerHour,
    plan: {
      ...plan,
      gpusPerGroup: planGpus,
      ...(plan.stages === undefined
        ? {}
        : { stages: plan.stages.map((s) => ({ ...s, group: toInventory(s.group) })) }),
      ...(plan.replicas === undefined
        ? {}
        : { replicas: plan.replicas.map((r) => ({ ...r, group: toInventory(r.group) })) }),
    },
  };
}
