/**
 * Hugging Face config.json → TransformerSpec for the mixture-of-experts families: Mixtral,
 * Qwen2-MoE / Qwen3-MoE, DeepSeek-V2 / V3 (with multi-head latent attention) and Llama 4. Field
 * names and defaults follow transformers' configuration_*.py and the MoE blocks of modeling_*.py
 * (MixtralSparseMoeBlock, Qwen2MoeSparseMoeBlock, DeepseekV3MoE, Llama4TextMoe).
 */
import { ModelInputError } from '../model-spec/index.js';
import type { MlaSpec, MoeSpec, TransformerSpec } from '../model-spec/index.js';
import type { Config } from './huggingface-fields.js';
import { PREFIX, count, int, optionalInt } from './huggingface-fields.js';
import { llamaSpec } from './huggingface-llama.js';

export type MoeFamily = 'mixtral' | 'qwen_moe' | 'deepseek' | 'llama4';

/** model_type values of each MoE family (Llama 4's multimodal config nests text_config). */
export const MOE_FAMILY_BY_MODEL_TYPE: Readonly<Record<string, MoeFamily>> = {
  mixtral: 'mixtral',
  qwen2_moe: 'qwen_moe',
  qwen3_moe: 'qwen_moe',
  deepseek_v2: 'deepseek',
  deepseek_v3: 'deepseek',
  llama4: 'llama4',
  llama4_text: 'llama4',
};
export const MOE_FAMILY_BY_ARCHITECTURE: readonly (readonly [string, MoeFamily])[] = [
  ['Mixtral', 'mixtral'],
  ['Qwen2Moe', 'qwen_moe'],
  ['Qwen3Moe', 'qwen_moe'],
  ['DeepseekV2', 'deepseek'],
  ['DeepseekV3', 'deepseek'],
  ['Llama4', 'llama4'],
];

/** An MoE block with no shared experts and every layer sparse (the Mixtral shape). */
function allLayersMoe(numExperts: number, topK: number, expertFfn: number): MoeSpec {
  return {
    numExperts,
    topK,
    expertFfnHiddenSize: expertFfn,
    numSharedExperts: 0,
    sharedExpertFfnHiddenSize: 0,
    firstDenseLayers: 0,
    layerInterval: 1,
  };
}

/**
 * Mixtral (MixtralSparseMoeBlock): every layer routes to num_experts_per_tok of num_local_experts
 * SwiGLU experts of width intermediate_size; no shared expert, no dense layer.
 */
function mixtralSpec(config: Config, name: string): TransformerSpec {
  const base = llamaSpec(config, name);
  return {
    ...base,
    moe: allLayersMoe(
      int(config, 'num_local_experts'),
      int(config, 'num_experts_per_tok'),
      base.ffnHiddenSize,
    ),
  };
}

/** Qwen's mlp_only_layers must be empty: explicit dense-layer lists are not representable. */
function requireNoMlpOnlyLayers(config: Config): void {
  const list = config['mlp_only_layers'];
  if (Array.isArray(list) && list.length > 0) {
    throw new ModelInputError(
      `${PREFIX}.mlp_only_layers`,
      'explicit dense-layer lists are not supported; only the decoder_sparse_step pattern is',
    );
  }
}

/**
 * Qwen2-MoE / Qwen3-MoE (Qwen2MoeSparseMoeBlock, Qwen3MoeSparseMoeBlock): layer i is sparse when
 * (i + 1) % decoder_sparse_step == 0; routed experts of moe_intermediate_size; Qwen2-MoE adds one
 * gated shared expert of shared_expert_intermediate_size (its 1-wide sigmoid gate is dropped).
 */
function qwenMoeSpec(config: Config, name: string): TransformerSpec {
  requireNoMlpOnlyLayers(config);
  const base = llamaSpec(config, name);
  const shared = count(config, 'shared_expert_intermediate_size', 0);
  return {
    ...base,
    moe: {
      numExperts: int(config, 'num_experts'),
      topK: int(config, 'num_experts_per_tok'),
      expertFfnHiddenSize: int(config, 'moe_intermediate_size'),
      numSharedExperts: shared > 0 ? 1 : 0,
      sharedExpertFfnHiddenSize: shared,
      firstDenseLayers: 0,
      layerInterval: optionalInt(config, 'decoder_sparse_step') ?? 1,
    },
  };
}

/**
 * DeepSeek-V2 / V3 (DeepseekV3MoE, DeepseekV3Attention): layers from first_k_dense_replace on
 * are sparse (moe_layer_freq must be 1, as in every released checkpoint); n_shared_experts
 * shared experts of moe_intermediate_size; MLA with q_lora_rank (null = full query projection),
 * kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim; num_nextn_predict_layers
 * multi-token-prediction depths (DeepSeek-V3 trains one, §2.2).
 */
function deepseekSpec(config: Config, name: string): TransformerSpec {
  const freq = optionalInt(config, 'moe_layer_freq') ?? 1;
  if (freq !== 1) {
    throw new ModelInputError(
      `${PREFIX}.moe_layer_freq`,
      `only 1 is supported (every layer after first_k_dense_replace is MoE), got ${freq}`,
    );
  }
  const base = llamaSpec({ ...config, head_dim: config['v_head_dim'] }, name);
  const moeFfn = int(config, 'moe_intermediate_size');
  const shared = count(config, 'n_shared_experts', 0);
  const mla: MlaSpec = {
    qLoraRank: count(config, 'q_lora_rank', 0),
    kvLoraRank: int(config, 'kv_lora_rank'),
    qkNopeHeadDim: int(config, 'qk_nope_head_dim'),
    qkRopeHeadDim: count(config, 'qk_rope_head_dim', 0),
    vHeadDim: int(config, 'v_head_dim'),
  };
  const mtpLayers = count(config, 'num_nextn_predict_layers', 0);
  return {
    ...base,
    ...(mtpLayers === 0 ? {} : { mtpLayers }),
    // MLA has no grouped KV: every head has its own (decompressed) key and value.
    numKvHeads: base.numHeads,
    moe: {
      numExperts: int(config, 'n_routed_experts'),
      topK: int(config, 'num_experts_per_tok'),
      expertFfnHiddenSize: moeFfn,
      numSharedExperts: shared,
      sharedExpertFfnHiddenSize: shared > 0 ? moeFfn : 0,
      firstDenseLayers: count(config, 'first_k_dense_replace', 0),
      layerInterval: 1,
    },
    mla,
  };
}

/**
 * Llama 4 (Llama4TextMoe): the text model of a Llama4ForConditionalGeneration config lives in
 * text_config (the vision tower is not modelled). Layers (i + 1) % interleave_moe_layer_step == 0
 * are sparse: num_experts_per_tok of num_local_experts routed experts plus one shared expert,
 * both of width intermediate_size; dense layers use intermediate_size_mlp.
 */
function llama4Spec(config: Config, name: string): TransformerSpec {
  const text = config['text_config'];
  const c: Config =
    typeof text === 'object' && text !== null && !Array.isArray(text)
      ? { ...(text as Config) }
      : config;
  const step = optionalInt(c, 'interleave_moe_layer_step') ?? 1;
  const expertFfn = int(c, 'intermediate_size');
  const base = llamaSpec(c, name, step > 1 ? 'intermediate_size_mlp' : 'intermediate_size');
  return {
    ...base,
    moe: {
      numExperts: int(c, 'num_local_experts'),
      topK: int(c, 'num_experts_per_tok'),
      expertFfnHiddenSize: expertFfn,
      numSharedExperts: 1,
      sharedExpertFfnHiddenSize: expertFfn,
      firstDenseLayers: 0,
      layerInterval: step,
    },
  };
}

export const MOE_BUILDERS: Readonly<
  Record<MoeFamily, (config: Config, name: string) => TransformerSpec>
> = {
  mixtral: mixtralSpec,
  qwen_moe: qwenMoeSpec,
  deepseek: deepseekSpec,
  llama4: llama4Spec,
};

/** Spec key → HF key per MoE family, so that validation errors name the user's own field. */
export const MOE_FIELD_NAMES: Readonly<Record<MoeFamily, Readonly<Record<string, string>>>> = {
  mixtral: {
    numKvHeads: 'num_key_value_heads',
    numHeads: 'num_attention_heads',
    'moe.numExperts': 'num_local_experts',
    'moe.topK': 'num_experts_per_tok',
  },
  qwen_moe: {
    numKvHeads: 'num_key_value_heads',
    numHeads: 'num_attention_heads',
    'moe.numExperts': 'num_experts',
    'moe.topK': 'num_experts_per_tok',
    'moe.layerInterval': 'decoder_sparse_step',
  },
  deepseek: {
    numHeads: 'num_attention_heads',
    'moe.numExperts': 'n_routed_experts',
    'moe.topK': 'num_experts_per_tok',
    'moe.firstDenseLayers': 'first_k_dense_replace',
  },
  llama4: {
    numKvHeads: 'text_config.num_key_value_heads',
    numHeads: 'text_config.num_attention_heads',
    'moe.numExperts': 'text_config.num_local_experts',
    'moe.topK': 'text_config.num_experts_per_tok',
    'moe.layerInterval': 'text_config.interleave_moe_layer_step',
  },
};
