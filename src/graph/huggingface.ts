/**
 * Hugging Face config.json → TransformerSpec for the dense decoder families Strata models:
 * Llama / Mistral / Qwen2, GPT-2, GPT-NeoX, BLOOM and OPT. Field names and defaults follow the
 * transformers configuration_*.py / modeling_*.py files of each family.
 */
import { ModelInputError, defaultHeadDim, validateTransformerSpec } from '../model-spec/index.js';
import type { TransformerSpec } from '../model-spec/index.js';

type Family = 'llama' | 'gpt2' | 'gpt_neox' | 'bloom' | 'opt';
type Config = Readonly<Record<string, unknown>>;

const PREFIX = 'huggingFaceConfig';

/** model_type values and architecture class-name prefixes of each family. */
const FAMILY_BY_MODEL_TYPE: Readonly<Record<string, Family>> = {
  llama: 'llama',
  mistral: 'llama',
  qwen2: 'llama',
  gpt2: 'gpt2',
  gpt_neox: 'gpt_neox',
  bloom: 'bloom',
  opt: 'opt',
};
const FAMILY_BY_ARCHITECTURE: readonly (readonly [string, Family])[] = [
  ['Llama', 'llama'],
  ['Mistral', 'llama'],
  ['Qwen2', 'llama'],
  ['GPT2', 'gpt2'],
  ['GPTNeoX', 'gpt_neox'],
  ['Bloom', 'bloom'],
  ['OPT', 'opt'],
];

function detectFamily(config: Config): Family {
  const modelType = config['model_type'];
  // Own keys only: `in` also finds Object.prototype's (model_type "constructor", "__proto__").
  if (typeof modelType === 'string' && Object.hasOwn(FAMILY_BY_MODEL_TYPE, modelType)) {
    const family = FAMILY_BY_MODEL_TYPE[modelType];
    if (family !== undefined) return family;
  }
  const architectures = config['architectures'];
  if (Array.isArray(architectures)) {
    for (const name of architectures) {
      const hit = FAMILY_BY_ARCHITECTURE.find(
        ([p]) => typeof name === 'string' && name.startsWith(p),
      );
      if (hit) return hit[1];
    }
  }
  const supported = Object.keys(FAMILY_BY_MODEL_TYPE).join(', ');
  throw new ModelInputError(
    `${PREFIX}.model_type`,
    `unsupported or missing model_type ${JSON.stringify(modelType ?? null)} (and no known architectures); supported: ${supported}`,
  );
}

/** A positive integer at `keys[0]` (or the first alias present); ModelInputError otherwise. */
function int(config: Config, ...keys: string[]): number {
  const key = keys.find((k) => config[k] !== undefined && config[k] !== null);
  if (key === undefined) {
    throw new ModelInputError(`${PREFIX}.${keys[0] ?? ''}`, `is required (a positive integer)`);
  }
  const value = config[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ModelInputError(
      `${PREFIX}.${key}`,
      `must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function optionalInt(config: Config, key: string): number | undefined {
  const value = config[key];
  return value === undefined || value === null ? undefined : int(config, key);
}

function bool(config: Config, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') {
    throw new ModelInputError(
      `${PREFIX}.${key}`,
      `must be a boolean, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Fields shared by every family; numKvHeads = numHeads, headDim = h / heads. */
function mha(hiddenSize: number, numHeads: number, headsKey: string) {
  return {
    numKvHeads: numHeads,
    headDim: defaultHeadDim(hiddenSize, numHeads, `${PREFIX}.${headsKey}`),
  };
}

/**
 * Llama / Mistral / Qwen2: SwiGLU (gate_proj, up_proj, down_proj; LlamaMLP), RMSNorm, RoPE, GQA
 * via num_key_value_heads (default = num_attention_heads), untied unless tie_word_embeddings.
 * Biases: attention_bias / mlp_bias (Llama, default false). Qwen2's q/k/v biases (h + 2·g·d per
 * layer, < 0.01% of parameters) are not representable and are dropped.
 */
function llamaSpec(config: Config, name: string): TransformerSpec {
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
    ffnHiddenSize: int(config, 'intermediate_size'),
    vocabSize: int(config, 'vocab_size'),
    gatedMlp: true,
    tiedEmbeddings: bool(config, 'tie_word_embeddings', false),
    positionEmbedding: 'rotary',
    maxPositionEmbeddings: int(config, 'max_position_embeddings'),
    norm: 'rmsnorm',
    linearBias: bool(config, 'attention_bias', false) || bool(config, 'mlp_bias', false),
  };
}

/** GPT-2: n_embd, n_layer, n_head, n_positions, n_inner (null → 4h); tied, learned, biases. */
function gpt2Spec(config: Config, name: string): TransformerSpec {
  const hiddenSize = int(config, 'n_embd');
  const numHeads = int(config, 'n_head');
  return {
    name,
    numLayers: int(config, 'n_layer'),
    hiddenSize,
    numHeads,
    ...mha(hiddenSize, numHeads, 'n_head'),
    ffnHiddenSize: optionalInt(config, 'n_inner') ?? 4 * hiddenSize,
    vocabSize: int(config, 'vocab_size'),
    gatedMlp: false,
    tiedEmbeddings: true,
    positionEmbedding: 'learned',
    maxPositionEmbeddings: int(config, 'n_positions'),
    norm: 'layernorm',
    linearBias: true,
  };
}

/** GPT-NeoX: rotary (partial rotary_pct ignored), untied embed_out, LayerNorm, biases. */
function neoxSpec(config: Config, name: string): TransformerSpec {
  const hiddenSize = int(config, 'hidden_size');
  const numHeads = int(config, 'num_attention_heads');
  return {
    name,
    numLayers: int(config, 'num_hidden_layers'),
    hiddenSize,
    numHeads,
    ...mha(hiddenSize, numHeads, 'num_attention_heads'),
    ffnHiddenSize: int(config, 'intermediate_size'),
    vocabSize: int(config, 'vocab_size'),
    gatedMlp: false,
    tiedEmbeddings: bool(config, 'tie_word_embeddings', false),
    positionEmbedding: 'rotary',
    maxPositionEmbeddings: int(config, 'max_position_embeddings'),
    norm: 'layernorm',
    linearBias: true,
  };
}

/** BLOOM training sequence length; ALiBi has no position table, so this is only descriptive. */
const BLOOM_DEFAULT_SEQUENCE_LENGTH = 2048;

/** BLOOM: hidden_size (alias n_embed), n_layer, n_head; ALiBi, tied, GeLU MLP 4h, biases. */
function bloomSpec(config: Config, name: string): TransformerSpec {
  const hiddenSize = int(config, 'hidden_size', 'n_embed');
  const numHeads = int(config, 'n_head', 'num_attention_heads');
  return {
    name,
    numLayers: int(config, 'n_layer', 'num_hidden_layers'),
    hiddenSize,
    numHeads,
    ...mha(hiddenSize, numHeads, 'n_head'),
    ffnHiddenSize: 4 * hiddenSize,
    vocabSize: int(config, 'vocab_size'),
    gatedMlp: false,
    tiedEmbeddings: true,
    positionEmbedding: 'alibi',
    maxPositionEmbeddings: optionalInt(config, 'seq_length') ?? BLOOM_DEFAULT_SEQUENCE_LENGTH,
    norm: 'layernorm',
    linearBias: true,
  };
}

/** OPTLearnedPositionalEmbedding allocates max_position_embeddings + 2 rows (offset 2). */
const OPT_POSITION_OFFSET = 2;

/** OPT: ffn_dim, learned positions (+2 offset rows), tied by default, enable_bias (default true). */
function optSpec(config: Config, name: string): TransformerSpec {
  const hiddenSize = int(config, 'hidden_size');
  const numHeads = int(config, 'num_attention_heads');
  return {
    name,
    numLayers: int(config, 'num_hidden_layers'),
    hiddenSize,
    numHeads,
    ...mha(hiddenSize, numHeads, 'num_attention_heads'),
    ffnHiddenSize: int(config, 'ffn_dim'),
    vocabSize: int(config, 'vocab_size'),
    gatedMlp: false,
    tiedEmbeddings: bool(config, 'tie_word_embeddings', true),
    positionEmbedding: 'learned',
    maxPositionEmbeddings: int(config, 'max_position_embeddings') + OPT_POSITION_OFFSET,
    norm: 'layernorm',
    linearBias: bool(config, 'enable_bias', true),
  };
}

const BUILDERS: Readonly<Record<Family, (config: Config, name: string) => TransformerSpec>> = {
  llama: llamaSpec,
  gpt2: gpt2Spec,
  gpt_neox: neoxSpec,
  bloom: bloomSpec,
  opt: optSpec,
};

/** Spec key → HF key, so that validation errors name the user's own field. */
const HF_FIELD_NAMES: Readonly<Record<Family, Partial<Record<keyof TransformerSpec, string>>>> = {
  llama: { numKvHeads: 'num_key_value_heads', numHeads: 'num_attention_heads' },
  gpt2: { numHeads: 'n_head' },
  gpt_neox: { numHeads: 'num_attention_heads' },
  bloom: { numHeads: 'n_head' },
  opt: { numHeads: 'num_attention_heads' },
};

/**
 * Parse a Hugging Face config.json object. The family comes from `model_type`, else from
 * `architectures`. Missing or invalid fields throw ModelInputError with the JSON path
 * (e.g. "huggingFaceConfig.num_attention_heads").
 */
export function transformerFromHuggingFaceConfig(
  config: Record<string, unknown>,
  name?: string,
): TransformerSpec {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelInputError(PREFIX, 'must be a JSON object');
  }
  const family = detectFamily(config);
  const modelName =
    name ??
    (typeof config['_name_or_path'] === 'string' && config['_name_or_path'] !== ''
      ? config['_name_or_path']
      : `hf-${family}`);
  return validateTransformerSpec(
    BUILDERS[family](config, modelName),
    PREFIX,
    HF_FIELD_NAMES[family],
  );
}
