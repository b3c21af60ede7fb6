import { alg } from '@dagrejs/graphlib';
import { describe, expect, it } from 'vitest';
import { buildModelGraph } from '../../src/graph/index.js';
import { ModelInputError, specFromExplicitTransformer } from '../../src/model-spec/index.js';
import { loadProfileCatalog } from '../../src/hardware-profiles/index.js';

const catalog = loadProfileCatalog();
const zoo = [...catalog.models.values()];

/**
 * Published counts are rounded to the digits shown; Narayanan Table 1's "1.7B" is 1.652e9 by
 * eq. 2, outside 2% only because of that rounding (half a unit of the last digit = 2.9%).
 */
const TOLERANCE = 0.02;
const ROUNDING_TOLERANCE: Readonly<Record<string, number>> = { 'gpt-1.7b': 0.03 };

describe('parameter totals match published sizes (within 2%)', () => {
  it.each(zoo.filter((m) => m.publishedParameterCount !== null).map((m) => [m.id, m] as const))(
    '%s',
    (id, model) => {
      const total = buildModelGraph(model.spec, 128).parameters.total;
      const published = model.publishedParameterCount ?? 0;
      expect(Math.abs(total / published - 1), `${id}: ${total} vs ${published}`).toBeLessThan(
        ROUNDING_TOLERANCE[id] ?? TOLERANCE,
      );
    },
  );

  it.each([
    ['llama3-70b', 70.6e9],
    ['llama3-405b', 405.9e9],
    ['gpt3-175b', 174.6e9],
    ['bloom-176b', 176.2e9],
  ])('%s ≈ %d', (id, want) => {
    const spec = catalog.models.get(id)?.spec;
    expect(spec).toBeDefined();
    if (spec) expect(buildModelGraph(spec, 2048).parameters.total / want).toBeCloseTo(1, 2);
  });
});

/** Narayanan et al. 2021 eq. 2: P = 12·l·h²·(1 + 13/(12h) + (V + s)/(12lh)). */
function narayananEq2(l: number, h: number, V: number, s: number): number {
  return 12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h));
}

const gptFamily = zoo.filter((m) => /^gpt-(\d|1t)/.test(m.id));

describe('GPT family: Narayanan eq. 2 parameters, eq. 3 FLOPs', () => {
  it('covers the ten Table 1 models (plus the 22B of Korthikanti 2022)', () => {
    const ids = gptFamily.map((m) => m.id);
    for (const id of ['gpt-1.7b', 'gpt-39.1b', 'gpt-529.6b', 'gpt-1t', 'gpt-22b']) {
      expect(ids).toContain(id);
    }
    expect(ids).toHaveLength(11);
  });

  it.each(gptFamily.map((m) => [m.id, m.spec] as const))(
    '%s parameters = eq. 2 (±0.5%)',
    (_id, spec) => {
      const { total } = buildModelGraph(spec, 2048).parameters;
      const want = narayananEq2(
        spec.numLayers,
        spec.hiddenSize,
        spec.vocabSize,
        spec.maxPositionEmbeddings,
      );
      expect(Math.abs(total / want - 1)).toBeLessThan(0.005);
    },
  );

  it.each(gptFamily.map((m) => [m.id, m.spec] as const))(
    '%s per-layer GEMM forward FLOPs = 24sh² + 4s²h (eq. 3 / 3 per layer)',
    (_id, spec) => {
      const s = 2048;
      const h = spec.hiddenSize;
      const graph = buildModelGraph(spec, s);
      const gemmFlops = graph.layerOps
        .filter((op) => op.matmul !== null)
        .reduce((t, op) => t + op.forwardFlops, 0);
      expect(gemmFlops).toBe(24 * s * h * h + 4 * s * s * h);
      // Whole model: eq. 3 without recompute, forward third: 24slh²(1 + s/6h + V/12lh)... per sequence.
      const l = spec.numLayers;
      const V = spec.vocabSize;
      const modelGemm = graph.ops
        .filter((op) => op.matmul !== null)
        .reduce((t, op) => t + op.forwardFlops, 0);
      expect(modelGemm / (24 * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h)))).toBeCloseTo(
        1,
        12,
      );
    },
  );
});

describe('graph structure', () => {
  const gpt = specFromExplicitTransformer({ layers: 3, hiddenSize: 64, heads: 4, vocabSize: 100 });
  const llama = specFromExplicitTransformer({
    layers: 2,
    hiddenSize: 64,
    heads: 8,
    kvHeads: 2,
    vocabSize: 100,
    gatedMlp: true,
  });

  it.each([
    ['non-gated: 1 + 12·l + 3', gpt, 1 + 12 * 3 + 3],
    ['gated: 1 + 13·l + 3', llama, 1 + 13 * 2 + 3],
  ] as const)('%s nodes, acyclic, ops in topological order', (_name, spec, nodes) => {
    const model = buildModelGraph(spec, 16);
    expect(model.graph.nodeCount()).toBe(nodes);
    expect(model.ops).toHaveLength(nodes);
    expect(alg.isAcyclic(model.graph)).toBe(true);
    const position = new Map(model.ops.map((op, i) => [op.id, i]));
    for (const edge of model.graph.edges()) {
      expect(position.get(edge.v) ?? -1).toBeLessThan(position.get(edge.w) ?? -1);
    }
    expect(model.graph.node('lm-head').kind).toBe('lm-head');
    expect(model.preOps.map((op) => op.kind)).toEqual(['embedding']);
    expect(model.postOps.map((op) => op.kind)).toEqual(['norm', 'lm-head', 'loss']);
    expect(model.layerOps.every((op) => op.layerIndex === 0)).toBe(true);
  });

  it('GQA qkv width = (heads + 2·kvHeads)·headDim; tensor-parallel splits', () => {
    const ops = buildModelGraph(llama, 16).layerOps;
    const byKind = new Map(ops.map((op) => [op.kind, op]));
    expect(byKind.get('qkv-proj')?.matmul).toEqual({ m: 16, n: (8 + 2 * 2) * 8, k: 64, batch: 1 });
    expect(byKind.get('qkv-proj')?.tensorParallel).toBe('column');
    expect(byKind.get('mlp-gate')?.tensorParallel).toBe('column');
    expect(byKind.get('out-proj')?.tensorParallel).toBe('row');
    expect(byKind.get('mlp-down')?.tensorParallel).toBe('row');
    expect(byKind.get('attention-scores')?.tensorParallel).toBe('heads');
    expect(byKind.get('norm')?.tensorParallel).toBe('replicated');
    expect(byKind.get('residual-add')?.tensorParallel).toBe('replicated');
    expect(byKind.get('norm')?.parameterCount).toBe(64);
  });

  it('parameter breakdown: embedding, perLayer, head (tied → final norm only)', () => {
    const { parameters } = buildModelGraph({ ...gpt, tiedEmbeddings: true }, 16);
    const h = 64;
    expect(parameters.embedding).toBe(100 * h + 2048 * h);
    expect(parameters.perLayer).toBe(12 * h * h + 13 * h);
    expect(parameters.head).toBe(2 * h);
    const untied = buildModelGraph(gpt, 16).parameters;
    expect(untied.head).toBe(100 * h + 2 * h);
  });

  it('memory-bound ops move 2 bytes per element', () => {
    const softmax = buildModelGraph(gpt, 16).layerOps.find((op) => op.kind === 'attention-softmax');
    expect(softmax?.forwardMemoryBytes).toBe(2 * 4 * 16 * 16 * 2);
    expect(softmax?.matmul).toBeNull();
  });

  it('rejects a bad sequence length', () => {
    expect(() => buildModelGraph(gpt, 0)).toThrow(ModelInputError);
  });
});
