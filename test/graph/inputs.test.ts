import { describe, expect, it } from 'vitest';
import { buildModelGraph, transformerFromHuggingFaceConfig } from '../../src/graph/index.js';
import {
  ModelInputError,
  specFromExplicitTransformer,
  validateTransformerSpec,
} from '../../src/model-spec/index.js';
import type { TransformerSpec } from '../../src/model-spec/index.js';
import { thrownBy } from '../fixtures/thrown.js';

/** The field of the ModelInputError `call` throws. */
const fieldOf = (call: () => unknown): string => thrownBy(ModelInputError, call).field;

// Small inline configs with each family's real field names (transformers configuration_*.py).
const llama3 = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  intermediate_size: 14336,
  vocab_size: 128256,
  max_position_embeddings: 8192,
  hidden_act: 'silu',
  tie_word_embeddings: false,
};

describe('transformerFromHuggingFaceConfig', () => {
  it.each([
    [
      'llama (Llama 3 8B)',
      llama3,
      {
        numKvHeads: 8,
        headDim: 128,
        gatedMlp: true,
        norm: 'rmsnorm',
        positionEmbedding: 'rotary',
        linearBias: false,
      },
    ],
    [
      'mistral (Mistral 7B)',
      {
        model_type: 'mistral',
        hidden_size: 4096,
        num_hidden_layers: 32,
        num_attention_heads: 32,
        num_key_value_heads: 8,
        intermediate_size: 14336,
        vocab_size: 32000,
        max_position_embeddings: 32768,
      },
      { numKvHeads: 8, gatedMlp: true, tiedEmbeddings: false },
    ],
    [
      'qwen2 via architectures (Qwen2-0.5B)',
      {
        architectures: ['Qwen2ForCausalLM'],
        hidden_size: 896,
        num_hidden_layers: 24,
        num_attention_heads: 14,
        num_key_value_heads: 2,
        intermediate_size: 4864,
        vocab_size: 151936,
        max_position_embeddings: 32768,
        tie_word_embeddings: true,
      },
      { headDim: 64, numKvHeads: 2, tiedEmbeddings: true, linearBias: false },
    ],
    [
      'gpt2 (GPT-2 small, n_inner null → 4h)',
      {
        model_type: 'gpt2',
        n_embd: 768,
        n_layer: 12,
        n_head: 12,
        n_positions: 1024,
        n_inner: null,
        vocab_size: 50257,
      },
      {
        ffnHiddenSize: 3072,
        tiedEmbeddings: true,
        positionEmbedding: 'learned',
        maxPositionEmbeddings: 1024,
        linearBias: true,
      },
    ],
    [
      'gpt_neox (Pythia 1B)',
      {
        model_type: 'gpt_neox',
        hidden_size: 2048,
        num_hidden_layers: 16,
        num_attention_heads: 8,
        intermediate_size: 8192,
        vocab_size: 50304,
        max_position_embeddings: 2048,
      },
      { positionEmbedding: 'rotary', tiedEmbeddings: false, norm: 'layernorm', headDim: 256 },
    ],
    [
      'bloom (n_embed alias, BLOOM-560m)',
      { model_type: 'bloom', n_embed: 1024, n_layer: 24, n_head: 16, vocab_size: 250880 },
      { hiddenSize: 1024, ffnHiddenSize: 4096, positionEmbedding: 'alibi', tiedEmbeddings: true },
    ],
    [
      'opt (OPT-125m, +2 position offset)',
      {
        model_type: 'opt',
        hidden_size: 768,
        num_hidden_layers: 12,
        num_attention_heads: 12,
        ffn_dim: 3072,
        vocab_size: 50272,
        max_position_embeddings: 2048,
      },
      {
        ffnHiddenSize: 3072,
        maxPositionEmbeddings: 2050,
        tiedEmbeddings: true,
        positionEmbedding: 'learned',
      },
    ],
  ] as const)('%s', (_name, config, want) => {
    const spec = transformerFromHuggingFaceConfig(config, 'm');
    expect(spec).toMatchObject({ name: 'm', ...want });
  });

  it('Llama 3 8B parses to 8.03e9 parameters', () => {
    const total = buildModelGraph(transformerFromHuggingFaceConfig(llama3), 8192).parameters.total;
    expect(total / 8.03e9).toBeCloseTo(1, 2);
  });

  it('GPT-2 small parses to 124.4e6 parameters (HF count)', () => {
    const spec = transformerFromHuggingFaceConfig({
      model_type: 'gpt2',
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
      n_positions: 1024,
      vocab_size: 50257,
    });
    expect(buildModelGraph(spec, 1024).parameters.total).toBe(124_439_808);
  });

  it.each([
    [
      'missing heads',
      { ...llama3, num_attention_heads: undefined },
      'huggingFaceConfig.num_attention_heads',
    ],
    [
      'string layers',
      { ...llama3, num_hidden_layers: '32' },
      'huggingFaceConfig.num_hidden_layers',
    ],
    ['fractional vocab', { ...llama3, vocab_size: 1.5 }, 'huggingFaceConfig.vocab_size'],
    [
      'heads not divisible by kv heads',
      { ...llama3, num_key_value_heads: 5 },
      'huggingFaceConfig.num_key_value_heads',
    ],
    [
      'hidden not divisible by heads',
      { ...llama3, num_attention_heads: 30 },
      'huggingFaceConfig.num_attention_heads',
    ],
    [
      'bad tie flag',
      { ...llama3, tie_word_embeddings: 'yes' },
      'huggingFaceConfig.tie_word_embeddings',
    ],
    ['unknown family', { model_type: 't5', d_model: 512 }, 'huggingFaceConfig.model_type'],
    [
      'gpt2 without n_embd',
      { model_type: 'gpt2', n_layer: 12, n_head: 12, n_positions: 1024, vocab_size: 50257 },
      'huggingFaceConfig.n_embd',
    ],
    [
      'opt without ffn_dim',
      {
        model_type: 'opt',
        hidden_size: 768,
        num_hidden_layers: 12,
        num_attention_heads: 12,
        vocab_size: 50272,
        max_position_embeddings: 2048,
      },
      'huggingFaceConfig.ffn_dim',
    ],
  ])('%s → ModelInputError naming the field', (_name, config, field) => {
    expect(fieldOf(() => transformerFromHuggingFaceConfig(config))).toBe(field);
  });
});

describe('specFromExplicitTransformer', () => {
  it('GPT-style defaults: kvHeads = heads, ffn 4h, learned, layernorm, biases', () => {
    const spec = specFromExplicitTransformer({
      layers: 2,
      hiddenSize: 512,
      heads: 8,
      vocabSize: 1000,
    });
    expect(spec).toMatchObject({
      numKvHeads: 8,
      headDim: 64,
      ffnHiddenSize: 2048,
      positionEmbedding: 'learned',
      norm: 'layernorm',
      linearBias: true,
      tiedEmbeddings: false,
    });
  });

  it('gated default FFN: 256·ceil(8h/3 / 256) (Llama 2 7B: 4096 → 11008)', () => {
    const spec = specFromExplicitTransformer({
      layers: 32,
      hiddenSize: 4096,
      heads: 32,
      vocabSize: 32000,
      gatedMlp: true,
    });
    expect(spec).toMatchObject({
      ffnHiddenSize: 11008,
      norm: 'rmsnorm',
      positionEmbedding: 'rotary',
      linearBias: false,
    });
  });

  it.each([
    ['layers', { layers: 0 }, 'transformer.layers'],
    ['heads not dividing hidden', { heads: 7 }, 'transformer.heads'],
    ['kvHeads', { kvHeads: 3 }, 'transformer.kvHeads'],
    ['vocab', { vocabSize: -5 }, 'transformer.vocabSize'],
  ])('rejects bad %s', (_name, patch, field) => {
    const input = { layers: 2, hiddenSize: 512, heads: 8, vocabSize: 1000, ...patch };
    expect(fieldOf(() => specFromExplicitTransformer(input))).toBe(field);
  });
});

describe('validateTransformerSpec', () => {
  const base: TransformerSpec = specFromExplicitTransformer({
    layers: 2,
    hiddenSize: 64,
    heads: 4,
    vocabSize: 10,
  });
  it.each([
    ['numLayers', { numLayers: 1.5 }],
    ['ffnHiddenSize', { ffnHiddenSize: 0 }],
    ['numKvHeads', { numKvHeads: 3 }],
    ['norm', { norm: 'batchnorm' }],
  ])('names %s', (key, patch) => {
    const spec = { ...base, ...patch } as TransformerSpec;
    expect(fieldOf(() => validateTransformerSpec(spec))).toBe(`transformer.${key}`);
  });

  it('allows headDim·heads ≠ hidden when headDim is given', () => {
    expect(validateTransformerSpec({ ...base, headDim: 32 }).headDim).toBe(32);
  });
});
