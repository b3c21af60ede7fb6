/**
 * POST /v1/models/onnx and POST /v1/plans with model.graphId (issue #18), over HTTP with a real
 * plan worker pool: the upload answers the SHA-256 of the bytes and what the file holds, the
 * graphId plans, and every kind of bad input is a 4xx problem document.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GraphPlanResponse, OnnxModelUpload, Problem } from '../../src/contract/schemas.js';
import { encodeModel, node, value, weight } from '../onnx/builders.js';
import { mlpModel } from '../onnx/models.js';
import { PROBLEM_JSON, serverForFile } from './server.js';

const TINY = readFileSync(new URL('../../examples/onnx/tiny-transformer.onnx', import.meta.url));
const CLUSTER = { accelerator: 'nvidia-h100-sxm-80gb', gpusPerNode: 2, nodes: 1 };
const OCTET = { 'content-type': 'application/octet-stream' };

const server = serverForFile();

const upload = (bytes: Uint8Array, headers: Record<string, string> = OCTET) =>
  fetch(`${server.url}/v1/models/onnx`, { method: 'POST', headers, body: bytes });

/** POST /v1/plans of `model` on CLUSTER (a tiny batch and sequence unless `training` says). */
const planModel = (
  model: Record<string, unknown>,
  training: Record<string, unknown> = { globalBatchSize: 8, sequenceLength: 16 },
) => server.post('/v1/plans', { model, cluster: CLUSTER, training });

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
  return Problem.parse(await res.json());
}

describe('POST /v1/models/onnx', () => {
  it('answers graphId = sha256 of the bytes, the ops, parameters and symbolic inputs', async () => {
    const res = await upload(TINY);
    expect(res.status).toBe(200);
    const body = OnnxModelUpload.parse(await res.json());
    expect(body.graphId).toBe(createHash('sha256').update(TINY).digest('hex'));
    expect(body.fileBytes).toBe(TINY.byteLength);
    expect(body.ops).toBeGreaterThan(5);
    expect(body.parameters).toBeGreaterThan(0);
    expect(body.inputs).toEqual([{ name: 'input_ids', shape: ['batch', 'seq'], elemType: 7 }]);
    const again = OnnxModelUpload.parse(await (await upload(TINY)).json());
    expect(again).toEqual(body);
  });

  it('plans the upload by graphId; seq dims bind from training.sequenceLength', async () => {
    const { graphId } = OnnxModelUpload.parse(await (await upload(TINY)).json());
    const res = await planModel(
      { graphId, batchSize: 4 },
      { globalBatchSize: 64, sequenceLength: 128 },
    );
    expect(res.status).toBe(200);
    const plan = GraphPlanResponse.parse(await res.json());
    expect(plan.best.estimate.numMicroBatches).toBe(16);
    expect(plan.best.ops.length).toBeGreaterThan(5);
    const seq = await planModel(
      { graphId, batchSize: 4, dimParams: { seq: 64 } },
      { globalBatchSize: 64, sequenceLength: 128 },
    );
    const shorter = GraphPlanResponse.parse(await seq.json());
    expect(shorter.id).not.toBe(plan.id);
    expect(shorter.best.estimate.stepTimeSeconds).toBeLessThan(plan.best.estimate.stepTimeSeconds);
  });

  it('an unknown graphId is 404 naming it', async () => {
    const graphId = 'f'.repeat(64);
    const res = await planModel({ graphId });
    const body = await problem(res, 404);
    expect(body.field).toBe('model.graphId');
    expect(body.detail).toContain(graphId);
  });

  it('a dim nothing binds is 400 naming model.dimParams', async () => {
    const bytes = encodeModel({
      name: 'free-dim',
      inputs: [value('x', [4, 'width'])],
      outputs: [],
      nodes: [node('Relu', ['x'], ['y'])],
    });
    const { graphId } = OnnxModelUpload.parse(await (await upload(bytes)).json());
    const res = await planModel({ graphId });
    const body = await problem(res, 400);
    expect(body.field).toBe('model.dimParams');
    expect(body.details?.['reason']).toBe('unresolved-dim');
    expect(body.detail).toContain("dimParams['width']");
  });
});

describe('POST /v1/models/onnx: bad input is a 4xx problem document', () => {
  it('a truncated file is 400 (reason truncated)', async () => {
    const bytes = mlpModel('zeros');
    const body = await problem(await upload(bytes.slice(0, bytes.byteLength - 1000)), 400);
    expect(body).toMatchObject({ field: 'body', code: 'VALIDATION_FAILED' });
    expect(body.details?.['reason']).toBe('truncated');
  });

  it('wrong magic (a PNG) is 400 (reason not-onnx)', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const body = await problem(await upload(png), 400);
    expect(body.details?.['reason']).toBe('not-onnx');
    expect(body.detail).toMatch(/not an ONNX file/);
  });

  it('an op with no cost rule is 400 listing it', async () => {
    const bytes = encodeModel({
      name: 'nms',
      inputs: [value('boxes', [1, 10, 4]), value('scores', [1, 1, 10])],
      outputs: [],
      nodes: [node('NonMaxSuppression', ['boxes', 'scores'], ['sel'])],
    });
    const body = await problem(await upload(bytes), 400);
    expect(body.details?.['reason']).toBe('unsupported-op');
    expect(body.details?.['unsupportedOps']).toEqual(['NonMaxSuppression']);
  });

  it('a model with external data is 400 (reason external-data) naming the file', async () => {
    const bytes = encodeModel({
      name: 'ext',
      inputs: [value('x', [2, 8])],
      outputs: [],
      initializers: [weight('w', [8, 4], 1, 'external')],
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
    });
    const body = await problem(await upload(bytes), 400);
    expect(body.details?.['reason']).toBe('external-data');
    expect(body.detail).toContain("'weights.bin'");
  });

  it('another content type is 415', async () => {
    const body = await problem(await upload(TINY, { 'content-type': 'application/json' }), 415);
    expect(body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('a 300 MB body is 413 (streamed, never held in memory)', async () => {
    const url = new URL(`${server.url}/v1/models/onnx`);
    const size = 300 * 1000 * 1000;
    const chunk = Buffer.alloc(2 ** 20);
    const answer = await new Promise<{ status: number; type: string; text: string }>(
      (resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { ...OCTET, 'content-length': String(size) },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                type: String(res.headers['content-type']),
                text,
              }),
            );
          },
        );
        req.on('error', reject);
        Readable.from(
          (function* () {
            for (let sent = 0; sent < size; sent += chunk.byteLength)
              yield chunk.subarray(0, Math.min(chunk.byteLength, size - sent));
          })(),
        ).pipe(req);
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.type).toMatch(PROBLEM_JSON);
    const body = Problem.parse(JSON.parse(answer.text));
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.details?.['limitBytes']).toBe(256 * 2 ** 20);
  }, 120_000);
});
