import { makeAction } from './action-string.js';
import {
  buildSchedule,
  interleavedPlacement,
  oneForwardOneBackward,
  range,
} from './schedule-builder.js';
import type { Action, PipelineSchedule } from './types.js';

/**
 * Interleaved 1F1B: each rank holds v chunks (stage of chunk c on rank r is c·p + r) and walks
 * them depth-first in groups of p micro-batches, as Megatron-LM does. The k-th forward of a rank
 * is chunk ⌊(k mod p·v)/p⌋ of micro-batch ⌊k/(p·v)⌋·p + (k mod p); the k-th backward visits the
 * chunks in reverse (chunk v−1−⌊(k mod p·v)/p⌋). Warmup on rank r: (p−r−1)·2 + (v−1)·p forwards,
 * capped at m·v. Requires m a multiple of p. Bubble (uniform stages): (p−1)/(v·m+p−1).
 * @see Narayanan et al., SC'21, §2.2.2 and Fig. 4 (bottom); Megatron-LM,
 *   megatron/core/pipeline_parallel/schedules.py, `forward_backward_pipelining_with_interleaving`
 *   (`get_model_chunk_id`, `num_warmup_microbatches`).
 *
 * Example, p = 2, v = 2, m = 2, T_B = T_F per chunk (digits: micro-batch;
 * a/b: chunk 0/1, i.e. stage r / stage p + r; "." = idle; drawn from simulateSchedule):
 * ```
 * clock   0   1   2   3   4   5   6   7   8   9
 * rank 0  F0a F1a F0b F1b .   B0b .   B1b B0a B1a
 * rank 1  .   F0a F1a F0b B0b F1b B1b B0a B1a .
 * ```
 */
export function generateInterleavedOneFOneB(
  numRanks: number,
  numMicroBatches: number,
  chunksPerRank: number,
): PipelineSchedule {
  const p = numRanks;
  const v = chunksPerRank;
  const total = numMicroBatches * v;
  const action = (kind: 'F' | 'B', rank: number, k: number): Action => {
    const chunkInGroup = Math.floor((k % (p * v)) / p);
    const chunk = kind === 'F' ? chunkInGroup : v - 1 - chunkInGroup;
    const microBatch = Math.floor(k / (p * v)) * p + (k % p);
    return makeAction(kind, chunk * p + rank, microBatch);
  };
  const ranks = range(p).map((rank) => {
    const forwards = range(total).map((k) => action('F', rank, k));
    const backwards = range(total).map((k) => action('B', rank, k));
    const warmup = Math.min((p - rank - 1) * 2 + (v - 1) * p, total);
    return oneForwardOneBackward(forwards, backwards, warmup);
  });
  return buildSchedule(
    'interleaved-1f1b',
    numMicroBatches,
    v,
    1,
    interleavedPlacement(p, v),
    ranks,
  );
}
