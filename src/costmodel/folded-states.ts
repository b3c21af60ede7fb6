/**
 * Model states of one rank under context and expert parallelism. Megatron-Core shards the
 * distributed optimizer of dense parameters over the data-parallel group with context
 * parallelism folded in (dp·cp ranks hold the same dense weights: parallel_state
 * get_data_parallel_group(with_context_parallel=True)), and the routed experts' over the
 * expert-data-parallel group of edp = tp·cp·dp / (etp·ep) ranks (Megatron-LM PR #4687; MoE
 * README "expert data parallel"). For dense models with cp = 1 this is modelStateBytes(dp).
 */
import { modelStateBytes } from './model-states.js';
import { chunkMoeLayers, parameterShares } from './parameters.js';
import type { RankMemoryInputs } from './rank-memory.js';
import type { ChunkLayout } from './stages.js';
import { expertDegrees } from './strategy.js';

/** Weights, gradients and optimizer bytes of a rank holding `chunks`. */
export function foldedModelStateBytes(
  chunks: readonly ChunkLayout[],
  parametersPerGpu: number,
  x: RankMemoryInputs,
): { weights: number; gradients: number; optimizer: number } {
  const s = x.strategy;
  const degrees = expertDegrees(s);
  const expertPerLayer =
    x.graph.moeLayerOps === null ? 0 : parameterShares(x.graph, s.tp, degrees).moeLayerExperts;
  const experts = chunks.reduce((t, c) => t + chunkMoeLayers(c, x.graph) * expertPerLayer, 0);
  // HSDP shards over its shard group (FSDP §3.2.2; with CP, torchtitan's dp_shard·cp mesh).
  const dense = modelStateBytes(
    parametersPerGpu - experts,
    (s.dpShard ?? s.dp) * s.cp,
    s.zeroStage,
    x.precision,
    x.framework,
    x.gradientReduceInFp32 ?? true,
    x.fsdpParameterDtype ?? 'fp32',
  );
  if (experts === 0) return dense;
  // Experts shard over their share of the shard group: Megatron's edp, torchtitan's efsdp =
  // dp_shard·cp·tp / ep under HSDP (parallel_dims.py _build_meshes).
  const routed = modelStateBytes(
    experts,
    Math.max(1, Math.round((degrees.edp * (s.dpShard ?? s.dp)) / s.dp)),
    s.zeroStage,
    x.precision,
    x.framework,
    x.gradientReduceInFp32 ?? true,
    x.fsdpParameterDtype ?? 'fp32',
  );
  return {
    weights: dense.weights + routed.weights,
    gradients: dense.gradients + routed.gradients,
    optimizer: dense.optimizer + routed.optimizer,
  };
}
