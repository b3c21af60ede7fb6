/**
 * The context-parallel and expert-parallel axes of the search, with Megatron-Core's rules
 * (megatron/training/arguments.py validate_args; parallel_state "MoE parallel folding",
 * arXiv 2504.14960 §3): CP splits each sequence into 2·cp chunks; inside a pipeline stage the
 * attention grid tp × cp × dp and the expert grid etp × ep × edp cover the same GPUs, so ep·etp
 * divides tp·cp·dp, ep divides the routed experts and etp the expert FFN width. torchtitan (fsdp)
 * has CP and EP too, with its own rules (plan/expressible.ts torchtitanFoldedReason: etp = 1,
 * all-gather CP); DeepSpeed's pipeline engine has neither, so deepspeed searches cp = ep = 1
 * unless pinned.
 */
import type { ModelGraph } from '../graph/index.js';
import type { Framework } from '../costmodel/index.js';
import { allowed } from './constraints.js';
import type { RejectionCounts, SearchConstraints } from './types.js';

/**
 * Sequences from this length on are offered context parallelism without a pin: below it the
 * K/V exchange outweighs the activation saving (shared/context/moe_longctx.md §D.4 "keep about
 * 4–8K tokens per CP×TP shard").
 */
export const CONTEXT_PARALLEL_MIN_SEQUENCE = 16384;
/** Tokens each CP rank keeps at least when cp is not pinned (same source). */
export const CONTEXT_PARALLEL_MIN_TOKENS_PER_RANK = 4096;

export interface FoldedAxisInput {
  readonly graph: ModelGraph;
  readonly sequenceLength: number;
  readonly framework: Framework;
  readonly constraints: SearchConstraints;
}

/** Context-parallel degrees for tp: divisors of `rest` (the GPUs left after tp). */
export function contextParallelDegrees(
  x: FoldedAxisInput,
  rest: number,
  candidates: readonly number[],
  rejected: RejectionCounts,
): number[] {
  const pinned = x.constraints.cp;
  return candidates.filter((cp) => {
    if (rest % cp !== 0 || !allowed(pinned, cp)) return false;
    if (cp === 1) return true;
    if (x.sequenceLength % (2 * cp) !== 0) {
      rejected['cp-not-dividing-sequence'] = (rejected['cp-not-dividing-sequence'] ?? 0) + 1;
      return false;
    }
    if (pinned !== undefined) return true;
    return (
      x.framework !== 'deepspeed' &&
      x.sequenceLength >= CONTEXT_PARALLEL_MIN_SEQUENCE &&
      x.sequenceLength / cp >= CONTEXT_PARALLEL_MIN_TOKENS_PER_RANK
    );
  });
}

/** (ep, etp) pairs for a stage grid of tp·cp·dp GPUs; [[1, 1]] for dense models. */
export function expertLayouts(
  x: FoldedAxisInput,
  tp: number,
  grid: number,
  candidates: readonly number[],
): [number, number][] {
  const moe = x.graph.spec.moe;
  if (moe === undefined) return [[1, 1]];
  const pairs: [number, number][] = [];
  // ETP: 1, or tp (Megatron's default --expert-tensor-parallel-size is tp).
  const etps = [...new Set([1, tp])];
  for (const etp of etps) {
    if (!allowed(x.constraints.etp, etp) || moe.expertFfnHiddenSize % etp !== 0) continue;
    for (const ep of candidates) {
      if (!allowed(x.constraints.ep, ep)) continue;
      if (moe.numExperts % ep !== 0 || grid % (ep * etp) !== 0) continue;
      if (x.framework === 'deepspeed' && x.constraints.ep === undefined && (ep > 1 || etp > 1))
        continue;
      if (x.framework === 'fsdp' && x.constraints.etp === undefined && etp > 1) continue;
      pairs.push([ep, etp]);
    }
  }
  return pairs;
}
