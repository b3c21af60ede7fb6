/**
 * Validity rules of context parallelism and of the MoE expert layout, as Megatron-Core checks
 * them (megatron/training/arguments.py validate_args; parallel_state.initialize_model_parallel
 * with its two rank generators, "MoE parallel folding"). Each failure is a PlanningError naming
 * the request field.
 */
import type { TransformerSpec } from '../model-spec/index.js';
import { PlanningError } from './errors.js';
import type { Strategy, TrainingConfig } from './strategy.js';

/**
 * CP splits every sequence into 2·cp chunks and gives rank i chunks i and 2cp−1−i, which balances
 * causal attention (megatron/core/utils.py get_batch_on_this_cp_rank: "seq_len must be divisible
 * by 2 * cp_size"); Ulysses (a2a) scatters attention heads, so heads / tp must divide by cp
 * (TE DotProductAttention a2a checks num_heads % cp_size).
 */
export function validateContextParallel(
  spec: TransformerSpec,
  training: TrainingConfig,
  s: Strategy,
): void {
  if (s.cp === 1) return;
  const chunks = 2 * s.cp;
  const perSlice = training.sequenceLength / s.sequenceSlices;
  if (perSlice % chunks !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `contextParallel=${s.cp} needs the sequence (${perSlice} tokens${s.sequenceSlices > 1 ? ' per slice' : ''}) to divide into 2 · cp = ${chunks} chunks (causal load balancing)`,
      'strategy.contextParallel',
      { sequenceLength: training.sequenceLength, chunks },
    );
  }
  if (s.cpComm === 'a2a') {
    const headsPerRank = spec.numHeads / s.tp;
    const kvPerRank = spec.numKvHeads / s.tp;
    if (headsPerRank % s.cp !== 0 || kvPerRank % s.cp !== 0) {
      throw new PlanningError(
        'heads-not-divisible',
        `contextParallelComm a2a (Ulysses) scatters heads: cp=${s.cp} must divide the ${headsPerRank} query and ${kvPerRank} key/value heads of each tensor-parallel rank`,
        'strategy.contextParallelComm',
      );
    }
  }
}

/**
 * Expert layout: ep must divide the routed experts (each rank holds E/ep whole experts), etp the
 * expert FFN width, and inside a pipeline stage the expert grid etp × ep × edp must cover the same
 * tp × cp × dp GPUs as attention (Liu et al. 2025, arXiv 2504.14960 §3), so ep·etp divides
 * tp·cp·dp. Dense models accept only ep = etp = 1.
 */
export function validateExperts(spec: TransformerSpec, s: Strategy): void {
  const ep = s.ep ?? 1;
  const etp = s.etp ?? 1;
  if (!Number.isInteger(ep) || ep < 1 || !Number.isInteger(etp) || etp < 1) {
    throw new PlanningError(
      'invalid-strategy',
      `expertParallel=${ep} and expertTensorParallel=${etp} must be positive integers`,
      'strategy.expertParallel',
    );
  }
  const moe = spec.moe;
  if (moe === undefined) {
    if (ep > 1 || etp > 1) {
      throw new PlanningError(
        'invalid-strategy',
        `expertParallel=${ep} / expertTensorParallel=${etp} need a mixture-of-experts model; ${spec.name} is dense`,
        ep > 1 ? 'strategy.expertParallel' : 'strategy.expertTensorParallel',
      );
    }
    return;
  }
  if (moe.numExperts % ep !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `expertParallel=${ep} does not divide the ${moe.numExperts} routed experts`,
      'strategy.expertParallel',
      { numExperts: moe.numExperts, expertParallel: ep },
    );
  }
  if (moe.expertFfnHiddenSize % etp !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `expertTensorParallel=${etp} does not divide the expert FFN width ${moe.expertFfnHiddenSize}`,
      'strategy.expertTensorParallel',
    );
  }
  const attentionGrid = s.tp * s.cp * s.dp;
  if (attentionGrid % (ep * etp) !== 0) {
    throw new PlanningError(
      'invalid-strategy',
      `MoE parallel folding: expertParallel=${ep} × expertTensorParallel=${etp} = ${ep * etp} must divide tensorParallel=${s.tp} × contextParallel=${s.cp} × dataParallel=${s.dp} = ${attentionGrid} (the GPUs of one pipeline stage)`,
      'strategy.expertParallel',
      { attentionGrid, expertGrid: ep * etp },
    );
  }
}
