/**
 * Korthikanti et al. 2022 (arXiv 2205.05198) Table 2: activation bytes per layer. Our per-term
 * model must equal the closed forms exactly for a standard GPT layer (MHA, f = 4h, dropout,
 * unfused attention).
 */
import { describe, expect, it } from 'vitest';
import type { TransformerSpec } from '../../src/model-spec/index.js';
import type { ActivationShape } from '../../src/costmodel/activations.js';
import { activationBytesPerLayer } from '../../src/costmodel/activations.js';
import { GPT_SPEC } from '../fixtures/specs.js';

/** A 48-layer GPT (MHA, f = 4h, learned positions, LayerNorm, biases) of width h and a heads. */
const gpt = (h: number, a: number): TransformerSpec => ({
  ...GPT_SPEC,
  name: 'gpt',
  numLayers: 48,
  hiddenSize: h,
  numHeads: a,
  numKvHeads: a,
  headDim: h / a,
  ffnHiddenSize: 4 * h,
  vocabSize: 51200,
});

const cases: [string, { s: number; b: number; h: number; a: number; t: number }][] = [
  ['22B (Korthikanti Table 3)', { s: 2048, b: 4, h: 6144, a: 64, t: 8 }],
  ['175B (GPT-3)', { s: 2048, b: 1, h: 12288, a: 96, t: 8 }],
  ['530B', { s: 2048, b: 1, h: 20480, a: 128, t: 8 }],
  ['1T', { s: 2048, b: 1, h: 25600, a: 160, t: 8 }],
  ['small, tp=2', { s: 1024, b: 3, h: 1024, a: 16, t: 2 }],
];

/** Equal up to floating-point rounding (relative 1e-12). */
function expectExact(actual: number, want: number): void {
  expect(Math.abs(actual - want) / want).toBeLessThan(1e-12);
}

function shape(
  c: { s: number; b: number; h: number; a: number; t: number },
  over: Partial<ActivationShape>,
): ActivationShape {
  return {
    spec: gpt(c.h, c.a),
    sequenceLength: c.s,
    microBatchSize: c.b,
    tp: c.t,
    sequenceParallel: false,
    recompute: 'none',
    flashAttention: false,
    dropout: true,
    ...over,
  };
}

describe('activationBytesPerLayer equals Korthikanti 2022 Table 2', () => {
  it.each(cases)('%s', (_name, c) => {
    const { s, b, h, a, t } = c;
    const sbh = s * b * h;
    expectExact(activationBytesPerLayer(shape(c, { tp: 1 })), sbh * (34 + (5 * a * s) / h));
    expectExact(activationBytesPerLayer(shape(c, {})), sbh * (10 + 24 / t + (5 * a * s) / (h * t)));
    expectExact(
      activationBytesPerLayer(shape(c, { sequenceParallel: true })),
      (sbh / t) * (34 + (5 * a * s) / h),
    );
    expectExact(activationBytesPerLayer(shape(c, { recompute: 'selective' })), sbh * (10 + 24 / t));
    expectExact(
      activationBytesPerLayer(shape(c, { recompute: 'selective', sequenceParallel: true })),
      (34 * sbh) / t,
    );
    expectExact(activationBytesPerLayer(shape(c, { recompute: 'full' })), 2 * sbh);
  });

  it('flash attention drops the 5as²b term to the log-sum-exp', () => {
    const c = { s: 2048, b: 1, h: 4096, a: 32, t: 1 };
    const flash = activationBytesPerLayer(shape(c, { flashAttention: true }));
    const sbh = c.s * c.b * c.h;
    expect(flash).toBe(34 * sbh + 4 * c.a * c.s * c.b);
  });

  it('GQA stores fewer K/V bytes', () => {
    const mha = gpt(4096, 32);
    const gqa: TransformerSpec = { ...mha, numKvHeads: 8 };
    const base = {
      sequenceLength: 2048,
      microBatchSize: 1,
      tp: 1,
      sequenceParallel: false,
      recompute: 'selective' as const,
      flashAttention: true,
      dropout: false,
    };
    const saved =
      activationBytesPerLayer({ ...base, spec: mha }) -
      activationBytesPerLayer({ ...base, spec: gqa });
    // K and V: 2 tensors × 2 bytes × s·b·(32 − 8)·128
    expect(saved).toBe(2 * 2 * 2048 * (32 - 8) * 128);
  });
});
