import { describe, expect, it } from 'vitest';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { StudyInputError } from '../../src/studies/errors.js';
import { contentHash } from '../../src/base/hash.js';
import {
  expandStudy,
  parseStudySpec,
  scenarioCount,
  SCENARIO_CAP,
} from '../../src/service/studies/scenarios.js';
import { validateStudyAgainstCatalog } from '../../src/service/studies/validate-study.js';
import { FIFTY_SCENARIOS } from './fixtures.js';

describe('study spec', () => {
  it('expands to the cartesian product in a fixed order, nodes overriding each cluster', () => {
    const scenarios = expandStudy(parseStudySpec(FIFTY_SCENARIOS));
    expect(scenarios).toHaveLength(50);
    expect(scenarios.map((s) => s.index)).toEqual([...Array(50).keys()]);
    expect(scenarios[0]?.model).toBe('gpt-1.7b');
    expect(scenarios[0]?.cluster).toEqual({ preset: 'dgx-h100', nodes: 1 });
    expect(scenarios[4]?.cluster).toEqual({ preset: 'dgx-h100', nodes: 8 });
    expect(scenarios[49]?.cluster).toEqual({ preset: 'amd-mi300x-8', nodes: 8 });
    expect(scenarios[0]?.training).toMatchObject({
      globalBatchSize: 384,
      sequenceLength: 2048,
      precision: 'bf16',
    });
  });

  it('refuses a spec over the cap with the count, never truncating', () => {
    const huge = parseStudySpec({
      axes: {
        models: ['gpt-1.7b'],
        clusters: [{ preset: 'dgx-h100', nodes: 1 }],
        nodes: Array.from({ length: 1000 }, (_, i) => i + 1),
        globalBatchSizes: Array.from({ length: 1000 }, (_, i) => i + 1),
      },
      goal: { tokens: 1e9 },
    });
    expect(scenarioCount(huge)).toBe(1_000_000);
    expect(() => expandStudy(huge)).toThrowError(StudyInputError);
    expect(() => expandStudy(huge)).toThrow(`1000000 scenarios, over the cap of ${SCENARIO_CAP}`);
  });

  it('names the field of an unknown model or accelerator', () => {
    const catalog = loadProfileCatalog();
    const spec = parseStudySpec({
      ...FIFTY_SCENARIOS,
      axes: {
        ...FIFTY_SCENARIOS.axes,
        clusters: [{ accelerator: 'tpu-v9', gpusPerNode: 8, nodes: 1 }],
      },
    });
    try {
      validateStudyAgainstCatalog(catalog, spec);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StudyInputError);
      expect(error).toMatchObject({ reason: 'unknown-accelerator', field: 'axes.clusters[0]' });
    }
  });

  it('hashes specs by content, not key order', () => {
    const a = parseStudySpec(FIFTY_SCENARIOS);
    const b = parseStudySpec({
      goal: FIFTY_SCENARIOS.goal,
      search: FIFTY_SCENARIOS.search,
      training: FIFTY_SCENARIOS.training,
      prices: FIFTY_SCENARIOS.prices,
      axes: FIFTY_SCENARIOS.axes,
    });
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it('maps study axes with the plan API mappers: world-size and spec-size caps apply', () => {
    const catalog = loadProfileCatalog();
    const tooBig = parseStudySpec({
      axes: { models: ['llama3-8b'], clusters: [{ preset: 'dgx-h100', nodes: 65_536 }] },
      goal: { tokens: 1e12 },
    });
    expect(() => validateStudyAgainstCatalog(catalog, tooBig)).toThrow(
      /axes\.clusters\[0\]: .*524288 GPUs exceeds the limit of 65536 GPUs/,
    );
    const hugeHf = parseStudySpec({
      axes: {
        models: [
          {
            huggingFaceConfig: {
              model_type: 'llama',
              hidden_size: 256,
              num_attention_heads: 4,
              num_hidden_layers: 5000,
              intermediate_size: 512,
              vocab_size: 1000,
              max_position_embeddings: 2048,
            },
          },
        ],
        clusters: [{ preset: 'dgx-h100', nodes: 1 }],
      },
      goal: { tokens: 1e12 },
    });
    expect(() => validateStudyAgainstCatalog(catalog, hugeHf)).toThrow(
      /axes\.models\[0\]: .*numLayers=5000 exceeds the limit 1000/,
    );
  });
});
