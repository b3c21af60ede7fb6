import { describe, expect, it } from 'vitest';
import { ClusterInput, ModelInput } from '../../src/contract/schemas.js';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';
import { StudyInputError } from '../../src/studies/errors.js';
import { contentHash } from '../../src/base/hash.js';
import { StudyClusterInput, StudyModelInput } from '../../src/studies/model-input.js';
import {
  expandStudy,
  parseStudySpec,
  scenarioCount,
  SCENARIO_CAP,
} from '../../src/studies/spec.js';
import { validateStudyAgainstCatalog } from '../../src/studies/validate.js';
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

  it.each([
    ['zoo id', 'llama3-8b'],
    [
      'explicit transformer',
      { transformer: { layers: 2, hiddenSize: 256, heads: 4, vocabSize: 1000 } },
    ],
    ['hf config', { huggingFaceConfig: { hidden_size: 256 } }],
  ])('accepts the same model input as the plan API (%s)', (_, input) => {
    expect(StudyModelInput.parse(input)).toEqual(ModelInput.parse(input));
  });

  it.each([
    ['preset', { preset: 'dgx-h100', nodes: 2 }],
    [
      'custom',
      {
        accelerator: 'nvidia-h100-sxm-80gb',
        gpusPerNode: 8,
        nodes: 2,
        interNode: { nicBandwidthGBps: 50 },
      },
    ],
  ])('accepts the same cluster input as the plan API (%s)', (_, input) => {
    expect(StudyClusterInput.parse(input)).toEqual(ClusterInput.parse(input));
  });
});
