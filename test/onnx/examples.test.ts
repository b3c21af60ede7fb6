import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importOnnxGraph } from '../../src/graph/onnx/index.js';
import { cnnModel, mlpModel, transformerModel } from './models.js';

const example = (file: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../examples/onnx/${file}`, import.meta.url)));

describe('examples/onnx', () => {
  it.each([
    ['mlp.onnx', mlpModel],
    ['cnn.onnx', cnnModel],
    ['tiny-transformer.onnx', transformerModel],
  ])('%s is up to date with test/onnx/models.ts and imports', (file, build) => {
    const bytes = example(file);
    expect(Buffer.from(bytes).equals(Buffer.from(build('zeros')))).toBe(true);
    // No dimParams: batch from batchSize, `seq` from the training sequence length.
    const g = importOnnxGraph(bytes, { batchSize: 4, sequenceLength: 16 });
    expect(g.nodes.length).toBeGreaterThan(0);
  });

  it('tiny-transformer.onnx binds batch and seq from the training options', () => {
    const g = importOnnxGraph(example('tiny-transformer.onnx'), {
      batchSize: 2,
      sequenceLength: 128,
    });
    expect(g.tensors['input_ids']?.shape).toEqual([2, 128]);
    expect(g.tensors['scores']?.shape).toEqual([2, 4, 128, 128]);
  });
});
