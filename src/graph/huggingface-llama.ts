/**
 * The Llama-style decoder every Hugging Face family below builds on (Llama, Mistral, Qwen2/3 and
 * the attention half of Mixtral, Qwen-MoE and Llama 4): SwiGLU MLP (LlamaMLP gate/up/down),
 * RMSNorm, RoPE, GQA via num_key_value_heads (default num_attention_heads), untied unless
 * tie_word_embeddings. Biases: attention_bias / mlp_bias (Llama, default false). Qwen2's q/k/v
 * biases (h + 2·g·d per layer, < 0.01% of parameters) are not representable and are dropped.
 */
import { ModelInputError, defaultHeadDim } from '../model-spec/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import type { Config } from './huggingface-fields.js';
import { PREFIX, bool, int, optionalInt } from './huggingface-fields.js';

/**
 * @param ffnKey the key holding the dense MLP width (Llama 4's dense layers use
 *   intermediate_size_mlp; every other family intermediate_size)
 */
export function llamaSpec(
  config: Config,
  name: string,
  ffnKey = 'intermediate_size',
): TransformerSpec {
  const hiddenSize = int(config, 'hidden_size');
  const numHeads = int(config, 'num_attention_heads');
  const hiddenAct = config['hidden_act'];
  if (hiddenAct !== undefined && typeof hiddenAct !== 'string') {
    throw new ModelInputError(
      `${PREFIX}.hidden_act`,
      `must be a string, got ${JSON.stringify(hiddenAct)}`,
    );
  }
  const headDim =
    optionalInt(config, 'head_dim') ??
    defaultHeadDim(hiddenSize, numHeads, `${PREFIX}.num_attention_heads`);
  return {
    name,
    numLayers: int(config, 'num_hidden_layers'),
    hiddenSize,
    numHeads,
    numKvHeads: optionalInt(config, 'num_key_value_heads') ?? numHeads,
    headDim,
    ffnHiddenSize: int(config, ffnKey),
    vocabSize: int(config, 'vocab_size'),
    gatedMlp: true,
    tiedEmbeddings: bool(config, 'tie_word_embeddings', false),
    positionEmbedding: 'rotary',
    maxPositionEmbeddings: int(config, 'max_position_embeddings'),
    norm: 'rmsnorm',
    linearBias: bool(config, 'attention_bias', false) || bool(config, 'mlp_bias', false),
  };
}
