/**
 * Heterogeneous data parallelism (HAP, Zhang et al. EuroSys'24 §5): every used group runs its own
 * homogeneous strategy (timed by costmodel/estimate with the group as the cluster) on its share of
 * the global batch; shares come from the LP of batch-lp.ts; gradients synchronise hierarchically —
 * inside each group (already in the group's estimate), then one ring all-reduce of the full
 * gradient across the groups over the inter-group link (not overlapped: conservative).
 */
import { PlanningError, crossGroupGradientSyncSeconds, estimate } from '../../costmodel/index.js';
import type {
  CostBreakdown,
  RecomputeMode,
  Strategy,
  TrainingConfig,
} from '../../costmodel/index.js';
import type { ModelGraph } from '../../graph/index.js';
import type { HeterogeneousCluster, ClusterProfile } from '../../hardware-profiles/index.js';
import { worldSize } from '../../hardware-profiles/index.js';
import { divisors } from '../enumerate.js';
import { balancedLayerSplit } from '../layer-split.js';
import type { ReplicaTiming } from './batch-lp.js';
import { roundShares, solveBatchSplit } from './batch-lp.js';
import { PIPELINE_MICRO_BATCH_SIZES, validTensorParallelDegrees } from './pipeline-options.js';

/** Strategies kept per group (by seconds per sequence) for the cross-group combination. */
const STRATEGIES_PER_GROUP = 3;
const RECOMPUTE_ORDER: readonly RecomputeMode[] = ['none', 'selective', 'full'];

export interface GroupStrategy {
  readonly group: number;
  /** Nodes of the group this member uses (≤ the group's nodes; the rest idle). */
  readonly nodes: number;
  readonly strategy: Strategy;
  readonly timing: ReplicaTiming;
}

export interface DataParallelEvaluation {
  readonly members: readonly GroupStrategy[];
  readonly shares: readonly number[];
  readonly estimates: readonly CostBreakdown[];
  readonly crossGroupSyncSeconds: number;
  readonly stepTimeSeconds: number;
}

interface Context {
  readonly graph: ModelGraph;
  readonly cluster: HeterogeneousCluster;
  readonly training: TrainingConfig;
}

function timeAt(x: Context, group: ClusterProfile, s: Strategy, m: number): CostBreakdown | null {
  const strategy = { ...s, numMicroBatches: m };
  const training = { ...x.training, globalBatchSize: s.dp * s.microBatchSize * m };
  try {
    const e = estimate(x.graph, group, strategy, training);
    return e.fits ? e : null;
  } catch (error) {
    if (error instanceof PlanningError) return null;
    throw error;
  }
}

function baseStrategy(
  tp: number,
  pp: number,
  dp: number,
  mbs: number,
  layers: number,
): Omit<Strategy, 'recompute'> {
  return {
    dp,
    tp,
    pp,
    cp: 1,
    virtualStages: 1,
    sequenceSlices: 1,
    sequenceParallel: tp > 1,
    microBatchSize: mbs,
    numMicroBatches: 1,
    recomputeLayers: null,
    zeroStage: dp > 1 ? 1 : 0,
    schedule: '1f1b',
    layersPerStage:
      pp === 1 || layers % pp === 0
        ? null
        : balancedLayerSplit(
            layers,
            Array.from({ length: pp }, () => 0),
          ),
  };
}

/**
 * Affine finish time of one group strategy, fitted at m_a = 2·pp and m_b = 4·pp micro-batches
 * (exact for the 1F1B closed form (m − 1)·max + Σ once m ≥ pp).
 */
function fitTiming(
  x: Context,
  group: ClusterProfile,
  base: Omit<Strategy, 'recompute'>,
): { strategy: Strategy; timing: ReplicaTiming } | null {
  for (const recompute of RECOMPUTE_ORDER) {
    const s: Strategy = { ...base, recompute };
    const ma = 2 * s.pp;
    const a = timeAt(x, group, s, ma);
    const b = timeAt(x, group, s, 2 * ma);
    if (a === null || b === null) continue;
    const perRound = (b.stepTimeSeconds - a.stepTimeSeconds) / ma;
    const quantum = s.dp * s.microBatchSize;
    const timing = {
      fixedSeconds: a.stepTimeSeconds - perRound * ma,
      secondsPerSequence: perRound / quantum,
      quantum,
    };
    return { strategy: s, timing };
  }
  return null;
}

/** A group restricted to its first `nodes` nodes. */
function subGroup(x: Context, g: number, nodes: number): ClusterProfile {
  return { ...(x.cluster.groups[g] as ClusterProfile), numNodes: nodes };
}

/**
 * The best few homogeneous strategies of one group on `nodes` of its nodes (default all), by
 * seconds per sequence (ties: key order).
 */
export function groupStrategies(x: Context, g: number, nodes?: number): GroupStrategy[] {
  const group = subGroup(x, g, nodes ?? (x.cluster.groups[g] as ClusterProfile).numNodes);
  const layers = x.graph.spec.numLayers;
  const found: GroupStrategy[] = [];
  for (const tp of validTensorParallelDegrees(x.graph, group)) {
    for (const pp of divisors(worldSize(group) / tp)) {
      if (pp > layers) continue;
      const dp = worldSize(group) / (tp * pp);
      for (const mbs of PIPELINE_MICRO_BATCH_SIZES) {
        // A share must leave room for another group: quantum dp·mbs below the global batch.
        if (dp * mbs >= x.training.globalBatchSize) continue;
        const fitted = fitTiming(x, group, baseStrategy(tp, pp, dp, mbs, layers));
        if (fitted !== null) found.push({ group: g, nodes: group.numNodes, ...fitted });
      }
    }
  }
  found.sort((a, b) => a.timing.secondsPerSequence - b.timing.secondsPerSequence);
  return found.slice(0, STRATEGIES_PER_GROUP);
}

/** Full-model gradient all-reduce across `numGroups` groups over the inter-group link, seconds. */
export function crossGroupSyncSeconds(x: Context, numGroups: number): number {
  const { precision, framework } = x.training;
  return crossGroupGradientSyncSeconds(
    x.graph,
    precision,
    framework,
    numGroups,
    x.cluster.interGroup,
  );
}

/** LP split, integer rounding, exact re-estimate of each group at its share. */
export function evaluateDataParallel(
  x: Context,
  members: readonly GroupStrategy[],
): DataParallelEvaluation | null {
  const batch = x.training.globalBatchSize;
  const lp = solveBatchSplit(
    members.map((m) => m.timing),
    batch,
  );
  if (lp.status !== 'optimal') return null;
  const shares = roundShares(
    members.map((m) => m.timing),
    lp.shares,
    batch,
  );
  if (shares === null || shares.some((s) => s === 0)) return null;
  const estimates: CostBreakdown[] = [];
  for (const [i, member] of members.entries()) {
    const group = subGroup(x, member.group, member.nodes);
    const m = (shares[i] ?? 0) / member.timing.quantum;
    const e = timeAt(x, group, member.strategy, m);
    if (e === null) return null;
    estimates.push(e);
  }
  const sync = crossGroupSyncSeconds(x, members.length);
  const finish = Math.max(...estimates.map((e) => e.stepTimeSeconds));
  return {
    members,
    shares,
    estimates,
    crossGroupSyncSeconds: sync,
    stepTimeSeconds: finish + sync,
  };
}
