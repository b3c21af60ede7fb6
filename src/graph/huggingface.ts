/**
 * Hugging Face config.json → TransformerSpec for the decoder families Strata models: dense
 * Llama / Mistral / Qwen2 / Qwen3, GPT-2, GPT-NeoX, BLOOM and OPT, and the mixture-of-experts
 * families of huggingface-moe.ts. Field names and defaults follow the transformers
 * configuration_*.py / modeling_*.py files of each family. A config carrying expert keys that
 * its family does not read is refused (400), never planned as a dense model.
 */
import { ModelInputError, defaultHeadDim, validateTransformerSpec } from '../model-spec/index.js';
import type { SpecFieldNames, TransformerSpec } from '../model-spec/index.js';
import type { Config } from './huggingface-fields.js';
import { PREFIX, bool, expertKeyOf, int, optionalInt } from './huggingface-fields.js';
import { llamaSpec } from './huggingface-llama.js';
import type { MoeFamily } from './huggingface-moe.js';
import {
  MOE_BUILDERS,
  MOE_FAMILY_BY_ARCHITECTURE,
  MOE_FAMILY_BY_MODEL_TYPE,
  MOE_FIELD_NAMES,
} from './huggingface-moe.js';

type DenseFamily = 'llama' | 'gpt2' | 'gpt_neox' | 'bloom' | 'opt';
type Family = DenseFamily | MoeFamily;

/** model_type values and architecture class-name prefixes of each dense family. */
const FAMILY_BY_MODEL_TYPE: Readonly<Record<string, DenseFamily>> = {
  llama: 'llama',
  mistral: 'llama',
  qwen2: 'llama',
  qwen3: 'llama',
  gpt2: 'gpt2',
  gpt_neox: 'gpt_neox',
  bloom: 'bloom',
  opt: 'opt',
};
const FAMILY_BY_ARCHITECTURE: readonly (readonly [string, DenseFamily])[] = [
  ['Llama', 'llama'],
  ['Mistral', 'llama'],
  ['Qwen2', 'llama'],
  ['Qwen3', 'llama'],
  ['GPT2', 'gpt2'],
  ['GPTNeoX', 'gpt_neox'],
  ['Bloom', 'bloom'],
  ['OPT', 'opt'],
];

const own = <T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined =>
  // Own keys only: `in` also finds Object.prototype's (model_type "constructor", "__proto__").
  typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;

function familyFromArchitectures(config: Config): Family | undefined {
  const architectures = config['architectures'];
  if (!Array.isArray(architectures)) return undefined;
  for (const name of architectures) {
    if (typeof name !== 'string') continue;
    // MoE class names first: "Qwen2MoeForCausalLM" also starts with "Qwen2".
    const moe = MOE_FAMILY_BY_ARCHITECTURE.find(([p]) => name.startsWith(p));
    if (moe) return moe[1];
    const dense = FAMILY_BY_ARCHITECTURE.find(([p]) => name.startsWith(p));
    if (dense) return dense[1];
  }
  return undefined;
}

const isMoeFamily = (family: Family): family is MoeFamily =>
  Object.values(MOE_FAMILY_BY_MODEL_TYPE).includes(family as MoeFamily);

function detectFamily(config: Config): Family {
  const modelType = config['model_type'];
  const family =
    own(MOE_FAMILY_BY_MODEL_TYPE, modelType) ??
    own(FAMILY_BY_MODEL_TYPE, modelType) ??
    familyFromArchitectures(config);
  const expertKey = expertKeyOf(config);
  if (family !== undefined && (isMoeFamily(family) || expertKey === null)) return family;
  const supportedMoe = Object.keys(MOE_FAMILY_BY_MODEL_TYPE).join(', ');
  if (expertKey !== null) {
    // A dense family (or an unknown one) carrying expert keys: planning it as dense would be
    // silently wrong (a Mixtral config relabelled "mistral" is not a 7B dense model).
    throw new ModelInputError(
      `${PREFIX}.${expertKey}`,
      `the config carries mixture-of-experts keys (${expertKey}) but model_type ${JSON.stringify(modelType ?? null)} is not a supported MoE family; supported MoE model_types: ${supportedMoe}`,
      { modelType: modelType ?? null, expertKey },
    );
  }
  const supported = [
    ...Object.keys(FAMILY_BY_MODEL_TYPE),
    ...Object.keys(MOE_FAMILY_BY_MODEL_TYPE),
  ].join(', ');
  throw new ModelInputError(
    `${PREFIX}.model_type`,
    `unsupported or missing model_type ${JSON.stringify(modelType ?? null)} (and no known architectures); supported: ${supported}`,
  );
}

/** Each family's config keys for the attention shape; the first key present wins (aliases). */
interface ShapeKeys {
  readonly hidden: readonly string[];
  readonly layers: readonly string[];
  readonly heads: readonly string[];
}

/**
 * The leading spec fields of the multi-head-attention families (GPT-2, GPT-NeoX, BLOOM, OPT):
 * name, layers, hidden size and heads read with the family's keys; numKvHeads = numHeads,
 * headDim = h / heads. Fields are read in spec order, so the first bad field is the one reported.
 */
function mhaShape(config: Config, name: string, keys: ShapeKeys) {
  const hiddenSize = int(config, ...keys.hidden);
  const numHeads = int(config, ...keys.heads);
  return {
    name,
    numLayers: int(config, ...keys.layers),
    hiddenSize,
    numHeads,
    numKvHeads: numHeads,
    headDim: defaultHeadDim(hiddenSize, numHeads, `${PREFIX}.${keys.heads[0] ?? ''}`),
  };
}

const HF_KEYS: ShapeKeys = {
  hidden: ['hidden_size'],
  layers: ['num_hidden_layers'],
  heads: ['num_attention_heads'],
};

/** GPT-2: n_embd, n_layer, n_head, n_positions, n_inner (null → 4h); tied, learned, biases. */
function gpt2Spec(config: Config, name: string): TransformerSpec {
  const shape = mhaShape(config, name, {
    hidden: ['n_embd'],
    layers: ['n_layer'],
    heads: ['n_head'],
  });
  return {
    ...shape,
    ffnHiddenSize: optionalInt(config, 'n_inner') ?? 4 * shape.hiddenSize,
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
  return {
    ...mhaShape(config, name, HF_KEYS),
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
  const shape = mhaShape(config, name, {
    hidden: ['hidden_size', 'n_embed'],
    layers: ['n_layer', 'num_hidden_layers'],
    heads: ['n_head', 'num_attention_heads'],
  });
  return {
    ...shape,
    ffnHiddenSize: 4 * shape.hiddenSize,
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
  return {
    ...mhaShape(config, name, HF_KEYS),
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
  ...MOE_BUILDERS,
  llama: (config, name) => llamaSpec(config, name),
  gpt2: gpt2Spec,
  gpt_neox: neoxSpec,
  bloom: bloomSpec,
  opt: optSpec,
};

/** Spec key → HF key, so that validation errors name the user's own field. */
const HF_FIELD_NAMES: Readonly<Record<Family, SpecFieldNames>> = {
  ...MOE_FIELD_NAMES,
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
