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
    expect(Buffer.from(bytes).equals(Buffer.from(build()))).toBe(true);
    const g = importOnnxGraph(bytes, { batchSize: 4, dimParams: { seq: 16 } });
    expect(g.nodes.length).toBeGreaterThan(0);
  });
});
