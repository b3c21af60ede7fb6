/**
 * The uploaded-model cache (src/service/onnx-models.ts): bounded in entries and in bytes, least
 * recently used out, a 404 naming the graphId for one it does not hold; an upload keeps the
 * decoded structure only (no weight data).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/contract/index.js';
import {
  createOnnxModelCache,
  uploadOnnxModel,
  type StoredOnnxModel,
} from '../../src/service/index.js';
import { encodeModel, node, value, weight } from './builders.js';
import { mlpModel } from './models.js';
import { thrownBy } from '../fixtures/thrown.js';

const stored = (graphId: string, bytes: number): StoredOnnxModel => ({
  model: new Uint8Array(bytes),
  upload: {
    graphId,
    fileBytes: bytes,
    ops: 1,
    parameters: 0,
    inputs: [],
    producer: '',
    opset: 18,
    irVersion: 8,
  },
});

describe('uploaded ONNX model cache', () => {
  it('keeps at most maxEntries, evicting the least recently used', () => {
    const cache = createOnnxModelCache({ maxEntries: 2, maxBytes: 1e9 });
    cache.set('a', stored('a', 10));
    cache.set('b', stored('b', 10));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('c', stored('c', 10));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([
      true,
      false,
      true,
    ]);
    expect(cache.size).toBe(2);
  });

  it('keeps at most maxBytes and skips an entry larger than that alone', () => {
    const cache = createOnnxModelCache({ maxEntries: 100, maxBytes: 2000 });
    cache.set('a', stored('a', 900));
    cache.set('b', stored('b', 900));
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(2000);
    cache.set('huge', stored('huge', 5000));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
  });

  it('require() is a 404 naming the graphId', () => {
    const cache = createOnnxModelCache();
    const error = thrownBy(ApiError, () => cache.require('abc'));
    expect(error).toMatchObject({ status: 404, field: 'model.graphId' });
    expect(error.message).toContain("'abc'");
  });

  it('an upload keeps the decoded structure, not the weights', async () => {
    const bytes = encodeModel({
      name: 'wide',
      inputs: [value('x', [2, 1024])],
      outputs: [],
      initializers: [weight('w', [1024, 1024], 1, 'zeros')],
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
    });
    const cache = createOnnxModelCache();
    const upload = await uploadOnnxModel(bytes, { cache });
    expect(upload.graphId).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(upload.parameters).toBe(1024 * 1024);
    expect(bytes.byteLength).toBeGreaterThan(4 * 2 ** 20);
    expect(cache.bytes).toBeLessThan(8 * 1024);
    expect(cache.require(upload.graphId).upload).toEqual(upload);
    const again = await uploadOnnxModel(mlpModel('zeros'), { cache });
    expect(cache.size).toBe(2);
    expect(again.graphId).not.toBe(upload.graphId);
  });
});
