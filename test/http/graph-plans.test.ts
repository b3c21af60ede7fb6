/** POST /v1/plans with operator graphs (issue #4): graph JSON and ONNX, over HTTP. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphPlanResponse, Problem } from '../../src/contract/schemas.js';
import { encodeModel, node, value } from '../onnx/builders.js';
import { PROBLEM_JSON, serverForFile } from './server.js';

const example = (path: string): Buffer =>
  readFileSync(new URL(`../../examples/${path}`, import.meta.url));
const RESNET = JSON.parse(example('graphs/resnet-cnn.json').toString('utf8')) as {
  nodes: { id: string }[];
};
const CLUSTER = { accelerator: 'nvidia-h100-sxm-80gb', gpusPerNode: 2, nodes: 1 };
const TRAINING = { globalBatchSize: 128, sequenceLength: 1 };

const server = serverForFile();

describe('POST /v1/plans: operator graphs', () => {
  it('plans examples/graphs/resnet-cnn.json with per-op layouts', async () => {
    const res = await server.post('/v1/plans', {
      model: { graph: RESNET },
      cluster: CLUSTER,
      training: TRAINING,
    });
    expect(res.status).toBe(200);
    const body = GraphPlanResponse.parse(await res.json());
    expect(body.id).toMatch(/^[0-9a-f]{64}$/);
    expect(body.best.kind).toBe('operator-graph');
    expect(body.alternatives).toEqual([]);
    expect(body.best.ops.map((o) => o.id).sort()).toEqual(RESNET.nodes.map((n) => n.id).sort());
    for (const op of body.best.ops) {
      expect(op.mesh).toHaveLength(2);
      for (const t of [...op.inputs, ...op.outputs])
        expect(t.layout).toMatch(/^(R|S0|S1|S01)(,(R|S0|S1|S01))*$/);
    }
    expect(body.best.estimate.numMicroBatches).toBe(4); // 128 / batch 32
    expect(body.best.estimate.stepTimeSeconds).toBeGreaterThan(0);
    expect(body.search.solver).toBe('highs');
    const again = await fetch(`${server.url}/v1/plans/${body.id}`);
    expect(await again.json()).toEqual(body);
  });

  it('plans examples/onnx/mlp.onnx sent as base64', async () => {
    const res = await server.post('/v1/plans', {
      model: { onnx: example('onnx/mlp.onnx').toString('base64'), batchSize: 8 },
      cluster: CLUSTER,
      training: { globalBatchSize: 64, sequenceLength: 1 },
      search: { solver: 'javascript-lp-solver' },
    });
    expect(res.status).toBe(200);
    const body = GraphPlanResponse.parse(await res.json());
    expect(body.best.ops.length).toBeGreaterThan(0);
    expect(body.search.solver).toBe('javascript-lp-solver');
  });

  it('plans tiny-transformer.onnx as base64: seq dims bind from training.sequenceLength', async () => {
    const onnx = example('onnx/tiny-transformer.onnx').toString('base64');
    const plan = async (model: object, sequenceLength: number) => {
      const res = await server.post('/v1/plans', {
        model: { onnx, batchSize: 4, ...model },
        cluster: CLUSTER,
        training: { globalBatchSize: 64, sequenceLength },
      });
      expect(res.status).toBe(200);
      return GraphPlanResponse.parse(await res.json());
    };
    const long = await plan({}, 256);
    const short = await plan({}, 64);
    expect(long.best.estimate.numMicroBatches).toBe(16);
    expect(long.best.estimate.stepTimeSeconds).toBeGreaterThan(short.best.estimate.stepTimeSeconds);
    // dimParams win over training.sequenceLength
    const pinned = await plan({ dimParams: { seq: 64 } }, 256);
    expect(pinned.best.estimate.stepTimeSeconds).toBe(short.best.estimate.stepTimeSeconds);
  });

  it('a graph with a cycle is 400 naming the node', async () => {
    const res = await server.post('/v1/plans', {
      model: {
        graph: {
          tensors: { x: { shape: [4, 8] }, a: { shape: [4, 8] }, b: { shape: [4, 8] } },
          nodes: [
            { id: 'first', op: 'relu', inputs: ['b'], outputs: ['a'] },
            { id: 'second', op: 'relu', inputs: ['a'], outputs: ['b'] },
          ],
        },
      },
      cluster: CLUSTER,
      training: TRAINING,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const problem = Problem.parse(await res.json());
    expect(problem.field).toMatch(/^model\.graph\.nodes\[\d\]$/);
    expect(problem.detail).toMatch(/cycle through node '(first|second)'/);
  });

  it('an ONNX file with unsupported ops is 400 listing them', async () => {
    const bytes = encodeModel({
      name: 'detector',
      inputs: [value('scores', [1, 1, 10])],
      outputs: [value('f', [1, 1, 10])],
      nodes: [node('Relu', ['scores'], ['r']), node('NonMaxSuppression', ['r'], ['f'])],
    });
    const res = await server.post('/v1/plans', {
      model: { onnx: Buffer.from(bytes).toString('base64') },
      cluster: CLUSTER,
      training: TRAINING,
    });
    expect(res.status).toBe(400);
    const problem = Problem.parse(await res.json());
    expect(problem.field).toBe('model.onnx');
    expect(problem.details?.['unsupportedOps']).toEqual(['NonMaxSuppression']);
  });

  it('bad base64 is 400; a batch that does not divide globalBatchSize is 400', async () => {
    const bad = await server.post('/v1/plans', {
      model: { onnx: 'not base64!' },
      cluster: CLUSTER,
      training: TRAINING,
    });
    expect(Problem.parse(await bad.json()).field).toBe('model.onnx');
    const odd = await server.post('/v1/plans', {
      model: { graph: RESNET },
      cluster: CLUSTER,
      training: { globalBatchSize: 33, sequenceLength: 1 },
    });
    expect(odd.status).toBe(400);
    expect(Problem.parse(await odd.json()).field).toBe('training.globalBatchSize');
  });

  it('a 10 MB body is 413, promptly', async () => {
    const res = await server.post('/v1/plans', {
      model: { onnx: 'A'.repeat(10 * 2 ** 20) },
      cluster: CLUSTER,
      training: TRAINING,
    });
    expect(res.status).toBe(413);
    expect(Problem.parse(await res.json()).code).toBe('PAYLOAD_TOO_LARGE');
  });
});
