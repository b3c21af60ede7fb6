/**
 * Mixture-of-experts Hugging Face configs (upstream config.json files, test/fixtures/hf-moe) →
 * spec → graph: total and active parameters against the published counts, and the 400s that name
 * the user's field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModelGraph, transformerFromHuggingFaceConfig } from '../../src/graph/index.js';
import { ModelInputError, specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { thrownBy } from '../fixtures/thrown.js';

const config = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/hf-moe/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

describe('MoE Hugging Face configs', () => {
  // Published totals / active (model cards): Mixtral 46.7B / 12.9B (mistral.ai "Mixtral of
  // experts"); Qwen3-235B-A22B 235B / 22B; Qwen2-57B-A14B 57.4B / 14B; DeepSeek-V3 671B / 37B
  // (report §1, MTP module excluded); Llama 4 Scout 109B / 17B (the 109B includes the vision
  // encoder, which is not modelled); Llama 4 Maverick 400B / 17B.
  it.each([
    ['mixtral-8x7b', 46.7, 12.9, 0.01],
    ['qwen3-235b-a22b', 235, 22, 0.02],
    ['qwen2-57b-a14b', 57.4, 14.2, 0.02],
    ['deepseek-v3', 671, 37, 0.02],
    ['llama4-scout', 109, 17, 0.02],
    ['llama4-maverick', 400, 17, 0.02],
  ])('%s: total %dB, active %dB', (name, totalB, activeB, tolerance) => {
    // The published figures are the main model's: without the multi-token-prediction module.
    const spec = { ...transformerFromHuggingFaceConfig(config(name)), mtpLayers: 0 };
    const graph = buildModelGraph(spec, 4096);
    expect(spec.moe).toBeDefined();
    expect(Math.abs(graph.parameters.total / 1e9 / totalB - 1)).toBeLessThan(tolerance);
    // Active parameters: the published figures are rounded to the billion.
    expect(Math.abs(graph.parameters.active / 1e9 - activeB)).toBeLessThan(0.6);
  });

  it('deepseek-v3 with its MTP module (num_nextn_predict_layers 1): 685B on the model card', () => {
    // Model card: "685B, which includes 671B of the Main Model weights and 14B of the Multi-Token
    // Prediction (MTP) Module weights" (its checkpoint also stores copies of the embedding and
    // head, which Megatron's MTP shares; they are counted once here, hence 0.4% under).
    const spec = transformerFromHuggingFaceConfig(config('deepseek-v3'));
    expect(spec.mtpLayers).toBe(1);
    const total = buildModelGraph(spec, 4096).parameters.total / 1e9;
    expect(Math.abs(total / 685 - 1)).toBeLessThan(0.02);
  });

  it('reads each family’s layout keys', () => {
    const ds = transformerFromHuggingFaceConfig(config('deepseek-v3'));
    expect(ds.moe).toMatchObject({ numExperts: 256, topK: 8, numSharedExperts: 1 });
    expect(ds.moe?.firstDenseLayers).toBe(3);
    expect(ds.mla).toEqual({
      qLoraRank: 1536,
      kvLoraRank: 512,
      qkNopeHeadDim: 128,
      qkRopeHeadDim: 64,
      vHeadDim: 128,
    });
    const maverick = transformerFromHuggingFaceConfig(config('llama4-maverick'));
    expect(maverick.moe?.layerInterval).toBe(2);
    expect(maverick.ffnHiddenSize).toBe(16384);
    const graph = buildModelGraph(maverick, 4096);
    expect(graph.moeLayerMask.filter(Boolean)).toHaveLength(24);
    const qwen2 = transformerFromHuggingFaceConfig(config('qwen2-57b-a14b'));
    expect(qwen2.moe?.sharedExpertFfnHiddenSize).toBe(20480);
  });

  it('a dense model_type carrying expert keys is a 400 naming the expert key', () => {
    const error = thrownBy(ModelInputError, () =>
      transformerFromHuggingFaceConfig({ ...config('mixtral-8x7b'), model_type: 'mistral' }),
    );
    expect(error.field).toBe('huggingFaceConfig.num_local_experts');
    expect(error.message).toMatch(/mixture-of-experts/);
  });

  it('an unknown model_type with expert keys names the key, not only the type', () => {
    const error = thrownBy(ModelInputError, () =>
      transformerFromHuggingFaceConfig({
        ...config('deepseek-v3'),
        model_type: 'my_moe',
        architectures: ['MyMoeForCausalLM'],
      }),
    );
    expect(error.field).toBe('huggingFaceConfig.n_routed_experts');
  });

  it('top-k above the number of experts is a 400 naming num_experts_per_tok', () => {
    const error = thrownBy(ModelInputError, () =>
      transformerFromHuggingFaceConfig({ ...config('mixtral-8x7b'), num_experts_per_tok: 9 }),
    );
    expect(error.field).toBe('huggingFaceConfig.num_experts_per_tok');
    expect(error.message).toMatch(/top-k \(9\) exceeds the number of routed experts \(8\)/);
  });

  it('explicit transformer: topK > experts names transformer.moe.topK', () => {
    const error = thrownBy(ModelInputError, () =>
      specFromExplicitTransformer({
        layers: 4,
        hiddenSize: 256,
        heads: 4,
        vocabSize: 1000,
        gatedMlp: true,
        moe: { experts: 4, topK: 5 },
      }),
    );
    expect(error.field).toBe('transformer.moe.topK');
  });

  it('explicit transformer: active parameters count top-k of the routed experts', () => {
    const spec = specFromExplicitTransformer({
      layers: 2,
      hiddenSize: 64,
      heads: 4,
      vocabSize: 100,
      gatedMlp: true,
      ffnHiddenSize: 128,
      moe: { experts: 8, topK: 2 },
    });
    const graph = buildModelGraph(spec, 16);
    // One gated expert = 3·h·f = 3·64·128; 8 per layer, 2 active.
    const expert = 3 * 64 * 128;
    expect(graph.parameters.total - graph.parameters.active).toBe(2 * 6 * expert);
  });
});
