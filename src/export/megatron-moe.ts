/**
 * Megatron-LM flags of mixture-of-experts models, multi-head latent attention, context
 * parallelism and FP8 (names checked against test/fixtures/upstream/megatron-flags.json):
 *  - MoE: --num-experts, --moe-router-topk, --moe-ffn-hidden-size,
 *    --moe-shared-expert-intermediate-size (count × width), --moe-layer-freq as Megatron's list
 *    expression ("([0]*3+[1]*58)"), --moe-grouped-gemm (one grouped GEMM over the local experts,
 *    what the estimate prices), --expert-model-parallel-size, --expert-tensor-parallel-size,
 *    --moe-token-dispatcher-type (alltoall / allgather, or flex with
 *    --moe-flex-dispatcher-backend deepep / hybridep), routing (--moe-router-force-load-balancing;
 *    --moe-expert-capacity-factor with --moe-pad-expert-input-to-capacity), and
 *    --overlap-moe-expert-parallel-comm;
 *  - MLA: --multi-latent-attention, --q-lora-rank, --kv-lora-rank, --qk-head-dim,
 *    --qk-pos-emb-head-dim, --v-head-dim;
 *  - CP: --cp-comm-type p2p / all_gather / a2a (megatron/training/arguments.py);
 *  - FP8: --fp8-format hybrid (precisionArgs) with --fp8-recipe delayed (per-tensor scaling, the
 *    Hopper recipe the estimate's FP8 GEMM rate assumes).
 */
import { isMoeLayer } from '../model-spec/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';

/** --moe-layer-freq as a run-length list expression: 1 = MoE layer, 0 = dense. */
export function moeLayerFreq(spec: TransformerSpec): string {
  const runs: [number, number][] = [];
  for (let i = 0; i < spec.numLayers; i++) {
    const bit = isMoeLayer(spec, i) ? 1 : 0;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === bit) last[1] += 1;
    else runs.push([bit, 1]);
  }
  return `(${runs.map(([bit, n]) => `[${bit}]*${n}`).join('+')})`;
}

function dispatcherArgs(plan: Plan): string[] {
  const moe = plan.training.moe;
  const argv: string[] = [];
  switch (moe?.dispatcher ?? 'alltoall') {
    case 'alltoall':
      argv.push('--moe-token-dispatcher-type', 'alltoall');
      break;
    case 'allgather':
      argv.push('--moe-token-dispatcher-type', 'allgather');
      break;
    case 'deepep':
      argv.push('--moe-token-dispatcher-type', 'flex', '--moe-flex-dispatcher-backend', 'deepep');
      break;
    case 'hybridep':
      argv.push('--moe-token-dispatcher-type', 'flex', '--moe-flex-dispatcher-backend', 'hybridep');
      break;
  }
  if (moe?.routing === 'forced-balance') argv.push('--moe-router-force-load-balancing');
  if (moe?.routing === 'capacity') {
    argv.push(
      '--moe-expert-capacity-factor',
      String(moe.capacityFactor),
      '--moe-pad-expert-input-to-capacity',
    );
  }
  if (moe?.overlapAllToAll === true) argv.push('--overlap-moe-expert-parallel-comm');
  return argv;
}

/** MoE, MLA, CP and FP8-recipe flags of a plan (empty for a dense bf16 model without CP). */
export function megatronMoeArgs(plan: Plan, spec: TransformerSpec): string[] {
  const s = plan.strategy;
  const argv: string[] = [];
  if (s.cp > 1) {
    const comm = s.cpComm ?? 'p2p';
    argv.push('--cp-comm-type', comm === 'all-gather' ? 'all_gather' : comm);
  }
  const moe = spec.moe;
  if (moe !== undefined) {
    argv.push('--num-experts', String(moe.numExperts), '--moe-router-topk', String(moe.topK));
    argv.push('--moe-ffn-hidden-size', String(moe.expertFfnHiddenSize));
    if (moe.numSharedExperts > 0) {
      argv.push(
        '--moe-shared-expert-intermediate-size',
        String(moe.numSharedExperts * moe.sharedExpertFfnHiddenSize),
      );
    }
    if (moe.firstDenseLayers > 0 || moe.layerInterval > 1)
      argv.push('--moe-layer-freq', moeLayerFreq(spec));
    argv.push('--moe-grouped-gemm');
    argv.push('--expert-model-parallel-size', String(s.ep ?? 1));
    argv.push('--expert-tensor-parallel-size', String(s.etp ?? 1));
    argv.push(...dispatcherArgs(plan));
  }
  const mla = spec.mla;
  if (mla !== undefined) {
    argv.push('--multi-latent-attention');
    if (mla.qLoraRank > 0) argv.push('--q-lora-rank', String(mla.qLoraRank));
    argv.push('--kv-lora-rank', String(mla.kvLoraRank));
    argv.push('--qk-head-dim', String(mla.qkNopeHeadDim));
    argv.push('--qk-pos-emb-head-dim', String(mla.qkRopeHeadDim));
    argv.push('--v-head-dim', String(mla.vHeadDim));
  }
  // MultiTokenPredictionBlock on the last pipeline stage (TransformerConfig.mtp_num_layers).
  if ((spec.mtpLayers ?? 0) > 0) argv.push('--mtp-num-layers', String(spec.mtpLayers));
  if (plan.training.precision === 'fp8') argv.push('--fp8-recipe', 'delayed');
  return argv;
}
