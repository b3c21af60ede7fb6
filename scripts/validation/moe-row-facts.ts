/**
 * Facts about the rows of validation/moe_longctx_runs.json that their columns state only in words
 * or leave blank: routing regime, dispatcher, the settings of the recipes that produced them, and
 * the FLOP convention their TFLOPS were counted with. Each rule reads the row's text or its
 * recipe (cited); none is tuned to a row's error.
 */
import { forwardFlopsPerSequence } from '../../src/costmodel/index.js';
import type { FsdpParameterDtype, MoeDispatcher, MoeRouting } from '../../src/costmodel/index.js';
import type { ModelGraph, OpNode } from '../../src/graph/index.js';
import type { MoeRow } from './moe-runs.js';

/**
 * The row's routing regime. A real router is Megatron's default (no
 * --moe-router-force-load-balancing), so rows that say "no forced balance", "real router" or
 * nothing about balancing are dropless; "token-drop" (not "token-dropless") pads to capacity.
 */
export function routing(text: string | null): MoeRouting {
  const t = (text ?? '').toLowerCase();
  if (/no forced|real router|not stated/.test(t)) return 'dropless';
  if (/token-?drop(?!less)/.test(t)) return 'capacity';
  if (t.includes('force') || t.includes('fake_balanced')) return 'forced-balance';
  return 'dropless';
}

/** The dispatcher the row names (AutoModel tables name it among their kernel optimizations). */
export function dispatcher(row: MoeRow): MoeDispatcher {
  // AutoModel tables name the dispatcher among their "kernel optimizations" only.
  const t = (row.dispatcher ?? row.metric_notes ?? '').toLowerCase();
  if (t.includes('hybridep')) return 'hybridep';
  if (t.includes('deepep')) return 'deepep';
  return 'alltoall';
}

export const isMegatronBridge = (row: MoeRow): boolean =>
  row.source_group.startsWith('Megatron-Bridge');
const isAutoModel = (row: MoeRow): boolean => row.source_group.startsWith('NeMo AutoModel');

/**
 * Settings the published tables leave blank, read from the recipes that produced them (each a
 * fact about that recipe, applied to every row of the source and model):
 *  - AutoModel GPT-OSS: the tables print EP '-' but list DeepEP; the benchmark YAMLs set
 *    ep_size to the whole job (examples/llm_benchmark/gpt_oss/gptoss_20b_te_deepep.yaml
 *    ep_size 8 on 8 GPUs, gptoss_120b_te_deepep.yaml ep_size 64 on 64 GPUs).
 *  - AutoModel Llama-3 70B at 8K with CP2: activation_checkpointing: true
 *    (examples/llm_benchmark/llama3_3/custom_llama3_1_70b_pretrain_benchmark_8nodes.yaml).
 *  - Megatron-Bridge DeepSeek-V3: set_deepseek_v3_common_configs sets recompute_granularity
 *    selective, and every GPU's V1 base config recomputes ["mla_up_proj"]
 *    (scripts/performance/configs/deepseek/deepseek_workload_base_configs.py).
 *  - Megatron-Bridge GPT-OSS: every GPU's V1 base config recomputes ["layernorm", "moe_act"]
 *    (scripts/performance/configs/gpt_oss/gpt_oss_workload_base_configs.py).
 */
export function recipeExpertParallel(row: MoeRow): number | null {
  if (row.ep !== null) return row.ep;
  const namesDeepEp = /deepep/i.test(row.metric_notes ?? '');
  return isAutoModel(row) && namesDeepEp && row.num_experts !== null ? row.num_gpus : null;
}

export function recipeRecompute(row: MoeRow): string | null {
  if (row.recompute !== null) return row.recompute;
  if (isAutoModel(row) && row.model.startsWith('Llama3-70B')) return 'full (recipe YAML)';
  if (isMegatronBridge(row) && row.model === 'DeepSeek-V3') return 'mla_up_proj (recipe default)';
  if (isMegatronBridge(row) && row.model.startsWith('GPT-OSS'))
    return 'layernorm, moe_act (recipe)';
  return null;
}

/**
 * Multi-token-prediction depths the row's run trained. Megatron-Bridge's DeepSeek-V3 recipe sets
 * mtp_num_layers = 1 (src/megatron/bridge/recipes/deepseek/deepseek_v3.py @ v0.2.0 L174 and
 * @ 21d102f5e L84, "Set to 0 or None to disable MTP"), and its tables label the runs that
 * disabled it "(w/o MTP)" (docs/performance-summary-archive.md, 25.11 GB200/GB300 rows); other
 * sources' rows are taken without MTP (their recipes do not state it).
 */
export function recipeMtpLayers(row: MoeRow): number {
  if (!isMegatronBridge(row) || row.model !== 'DeepSeek-V3') return 0;
  return /w\/o MTP/i.test(row.notes ?? '') ? 0 : 1;
}

/**
 * Decoder layers per pipeline chunk of Megatron-Bridge's DeepSeek-V3 recipe: the pp × vp →
 * layout map, the same from v0.1.0rc4 (deepseek_v3.py map_pp_vp_to_layout) through v0.2.0
 * (L235-242) to 21d102f5e (set_deepseek_v3_pipeline_model_parallel_layout): the embedding does
 * not lighten the first chunk, and the last chunk holds the remaining decoder layers beside the
 * MTP block and the loss. The 4-, 8- and 16-chunk entries exist in every release. The map has
 * no 32-chunk entry although the 25.09 H100 run is pp 8 × vp 4 (Megatron cannot split 61 layers
 * evenly over 32 chunks, so that run passed a layout the tables do not print); we take the one
 * the same recipe's H100 pp 8 × vp 4 config states later, "Et|(tt|)*30mL"
 * (deepseek_workload_base_configs.py @ 21d102f5e, DEEPSEEK_V3_PRETRAIN_CONFIG_H100_V1): an
 * inferred fact. Other counts keep the even split (null).
 */
export function recipeLayersPerChunk(row: MoeRow, chunks: number): number[] | null {
  if (!isMegatronBridge(row) || row.model !== 'DeepSeek-V3') return null;
  const repeat = (n: number, layers: number): number[] => Array.from({ length: n }, () => layers);
  switch (chunks) {
    case 4:
      return [16, 16, 16, 13];
    case 8:
      return [...repeat(7, 8), 5];
    case 16:
      return [...repeat(15, 4), 1];
    case 32:
      return [1, ...repeat(30, 2), 0];
    default:
      return null;
  }
}

/**
 * Micro-batch size of the row's run. Megatron-Bridge's GPT-OSS-120B H100 recipe never overrides
 * the base micro_batch_size=1 (scripts/performance/configs/gpt_oss/workload_base_configs.py
 * @ v0.2.0, the 25.11 release branch: GPT_OSS_120B_H100_BF16_BASE_CONFIG sets only PP 4 and the
 * recompute modules; the same @ 21d102f5e, whose 26.04.01 table prints MBS 1). The 25.11 table's
 * H100 row prints MBS 4 and GA 2, the B200 row's values above it: under its own PP 4 (dp 16)
 * GBS 512 would need GA 8 at MBS 4, so the row contradicts itself and the recipe's 1 is taken.
 */
export function recipeMicroBatchSize(row: MoeRow): number | null {
  const h100 = row.gpu_type.startsWith('H100');
  if (isMegatronBridge(row) && row.model.startsWith('GPT-OSS') && h100) return 1;
  return row.micro_batch_size;
}

/**
 * Resident parameter dtype of an FSDP2 run. NeMo AutoModel's MoE benchmark YAMLs
 * (examples/llm_benchmark/{deepseek,kimi,gpt_oss,qwen3,…}/*_te_deepep.yaml @ 36044ad) leave
 * model.torch_dtype unset and train with torch.optim.Adam; from_config resolves "auto" to
 * bfloat16 (nemo_automodel/_transformers/auto_model.py L846), so parameters, gradients and Adam
 * moments are bf16 (docs/guides/mixed-precision-training.mdx, "Risky Pattern"). The Llama-3 70B
 * benchmark sets torch_dtype bf16 with TE FusedAdam, whose master weights and moments are fp32
 * (same guide, Pattern A): 'fp32' is the state size it keeps. Other FSDP rows: fp32 (torchtitan).
 */
export function recipeFsdpParameterDtype(row: MoeRow): FsdpParameterDtype {
  return isAutoModel(row) && row.num_experts !== null ? 'bf16' : 'fp32';
}

/** How a source counted the attention core in its "model TFLOP/s" (shared/context/moe_longctx.md §0.2). */
export type AttentionFlopConvention = 'causal' | 'full';

/**
 * The row's FLOP convention when its flop_counting names one: Megatron-LM's
 * num_floating_point_operations halves causal attention since 2025-03-06; the older Megatron-LM
 * and the NeMo FLOPs callback before 2025-08-09 count the full s² (the row says "NOT halved").
 * Rows get none when the convention is only inferred (the NeMo long-context tables: dated
 * before the NeMo change, not stated) or their notes flag inconsistent published columns: their
 * TFLOPS cannot be turned back into a step time with confidence.
 */
export function attentionFlopConvention(row: MoeRow): AttentionFlopConvention | null {
  const text = row.flop_counting ?? '';
  if (/inconsistent/i.test(row.notes ?? '') || /inferred/i.test(text)) return null;
  if (/not\s+halved/i.test(text)) return 'full';
  if (/causal attention halved/i.test(text)) return 'causal';
  return null;
}

const isMatmul = (op: OpNode): boolean => op.matmul !== null;
const isAttentionCore = (op: OpNode): boolean =>
  op.kind === 'attention-scores' || op.kind === 'attention-context';

/**
 * Step seconds of a TFLOPS-only row, from the source's own FLOP count: both Megatron-LM's
 * num_floating_point_operations and NeMo's llama formula (gbs·s·L·h²·(12 + 12g/a + 18f/h +
 * 12s/h + 6V/(Lh))) are 3 × the forward GEMM FLOPs per sequence × GBS, attention core at s²/2
 * (causal) or s² (full); step = FLOPs / (TFLOP/s per GPU · GPUs).
 */
export function tflopsStepSeconds(row: MoeRow, graph: ModelGraph): number | null {
  const convention = attentionFlopConvention(row);
  if (row.tflops_per_gpu === null || convention === null) return null;
  // forwardFlopsPerSequence counts the attention core at s²/2 (causal); 'full' doubles it.
  const gemms = forwardFlopsPerSequence(graph, isMatmul);
  const attention = forwardFlopsPerSequence(graph, isAttentionCore);
  const forward = convention === 'full' ? gemms + attention : gemms;
  const flopsPerStep = 3 * forward * row.global_batch_size;
  return flopsPerStep / (row.tflops_per_gpu * 1e12 * row.num_gpus);
}
