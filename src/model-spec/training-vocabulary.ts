/**
 * The words for HOW a model is trained, written down once (STYLE.md §6): numeric precision,
 * framework, pipeline schedule, recomputation mode, ZeRO stage. The domain uses the types; the
 * API's zod enums (contract/enums.ts) are built from these lists, so the two cannot drift.
 */

/** 16-bit or FP8 mixed-precision training (weights kept in 16 bits, Adam states in fp32). */
export const PRECISIONS = ['bf16', 'fp16', 'fp8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** The launchers Strata exports for: Megatron-LM, DeepSpeed, PyTorch FSDP (torchtitan). */
export const FRAMEWORKS = ['megatron', 'deepspeed', 'fsdp'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Pipeline schedules (schedule/): GPipe, 1F1B, interleaved 1F1B, Zero Bubble, slice-level. */
export const SCHEDULE_KINDS = [
  'gpipe',
  '1f1b',
  'interleaved-1f1b',
  'zb-h1',
  'zb-h2',
  'zb-v',
  'seq-slice-1f1b',
] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** Activation recomputation (Korthikanti et al. 2022 §5): none, attention core, whole layers. */
export const RECOMPUTE_MODES = ['none', 'selective', 'full'] as const;
export type RecomputeMode = (typeof RECOMPUTE_MODES)[number];

/**
 * Megatron --recompute-modules (with --recompute-granularity selective): which submodules of each
 * layer are recomputed in backward instead of keeping their activations. Default ['core_attn'].
 * @see Megatron-LM megatron/core/transformer/transformer_config.py recompute_modules docstring
 */
export const RECOMPUTE_MODULES = [
  'core_attn',
  'layernorm',
  'moe_act',
  'mla_up_proj',
  'mlp',
  'moe',
  'shared_experts',
] as const;
export type RecomputeModule = (typeof RECOMPUTE_MODULES)[number];

/** ZeRO stage (Rajbhandari et al. 2020): 1 optimizer, 2 + gradients, 3 + parameters sharded. */
export const ZERO_STAGES = [0, 1, 2, 3] as const;
export type ZeroStage = (typeof ZERO_STAGES)[number];
