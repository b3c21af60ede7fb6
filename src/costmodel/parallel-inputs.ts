/**
 * The context-parallel and expert-parallel parts of a stage's op-timing inputs: where the CP, EP
 * and ETP groups land and what each MoE layer and each attention layer adds on the wire. Kept
 * apart from stage-cost-model.ts so that the assembly only spreads these in.
 *
 * Rank order is Megatron's (parallel_state.RankGenerator, order "tp-cp-ep-dp-pp"): attention
 * grid tp (stride 1), cp (stride tp), dp (stride tp·cp); expert grid etp (stride 1), ep (stride
 * etp), edp (stride etp·ep); pp strides tp·cp·dp. Both grids cover the same GPUs of a stage (MoE
 * parallel folding, arXiv 2504.14960 §3).
 */
import type { ModelGraph } from '../graph/index.js';
import type { ClusterProfile } from '../hardware-profiles/index.js';
import type { ExpertShare } from './compute.js';
import { contextParallelSeconds } from './context-parallel.js';
import type { ContextParallelSeconds } from './context-parallel.js';
import type { GroupPlacement } from './groups.js';
import { placeGroup } from './groups.js';
import { expertDispatchSeconds, expertOverlapInterference } from './moe-communication.js';
import type { MoeLayerCommInputs } from './stage-time.js';
import type { Strategy, TrainingConfig } from './strategy.js';
import { expertDegrees, expertLoadFactor, moeTrainingDefaults } from './strategy.js';

/** CP, EP and ETP group placements of a strategy (Megatron order, file comment). */
export interface FoldedGroups {
  readonly cp: GroupPlacement;
  readonly ep: GroupPlacement;
  readonly etp: GroupPlacement;
}

export function placeFoldedGroups(s: Strategy, cluster: ClusterProfile): FoldedGroups {
  const { ep, etp } = expertDegrees(s);
  return {
    cp: placeGroup(s.cp, s.tp, cluster.gpusPerNode),
    ep: placeGroup(ep, etp, cluster.gpusPerNode),
    etp: placeGroup(etp, 1, cluster.gpusPerNode),
  };
}

/** What chunkTimeInputs spreads in for CP and MoE (absent parts for dense, cp = 1 shapes). */
export interface ParallelTimingInputs {
  readonly cp?: number;
  readonly experts?: ExpertShare;
  readonly moe?: MoeLayerCommInputs;
  readonly contextParallel?: (attentionForwardSeconds: number) => ContextParallelSeconds;
}

/** The CP and MoE timing inputs of one stage shape. */
export function parallelTimingInputs(
  graph: ModelGraph,
  cluster: ClusterProfile,
  s: Strategy,
  training: TrainingConfig,
): ParallelTimingInputs {
  const groups = placeFoldedGroups(s, cluster);
  const spec = graph.spec;
  const cpPart: ParallelTimingInputs =
    s.cp <= 1
      ? {}
      : {
          cp: s.cp,
          contextParallel: (attentionForwardSeconds) =>
            contextParallelSeconds({
              spec,
              sequenceLength: training.sequenceLength / s.sequenceSlices,
              microBatchSize: s.microBatchSize,
              tp: s.tp,
              comm: s.cpComm ?? 'p2p',
              group: groups.cp,
              cluster,
              attentionForwardSeconds,
            }),
        };
  const moe = spec.moe;
  if (moe === undefined) return cpPart;
  const config = training.moe ?? moeTrainingDefaults();
  const { ep, etp } = expertDegrees(s);
  const loadFactor =
    ep > 1 ? expertLoadFactor(config) : config.routing === 'capacity' ? config.capacityFactor : 1;
  // Tokens one rank dispatches per micro-batch: with sequence parallelism (Megatron requires it
  // for MoE with tp > 1) the MoE input is split over tp, and CP splits the sequence.
  const tokens = (s.microBatchSize * training.sequenceLength) / (s.tp * s.cp);
  const dispatchSeconds = expertDispatchSeconds(
    {
      tokens,
      hiddenSize: spec.hiddenSize,
      topK: moe.topK,
      numExperts: moe.numExperts,
      bytesPerElement: 2,
      dispatcher: config.dispatcher,
      loadFactor,
      ep: groups.ep,
      etp: groups.etp,
    },
    cluster,
  );
  return {
    ...cpPart,
    experts: { ep, etp, numExperts: moe.numExperts, loadFactor },
    moe: {
      dispatchSeconds,
      overlapAllToAll: config.overlapAllToAll,
      // Attention's collective pair, plus the shared experts' when there are any: the routed
      // experts' input is already sequence-sharded and ETP gathers it inside the dispatch.
      tensorParallelCollectivesPerPass: moe.numSharedExperts > 0 ? 2 : 1,
      interferenceFraction: expertOverlapInterference(cluster.device.overlapInterferenceFraction),
    },
  };
}
