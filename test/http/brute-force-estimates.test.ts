/**
 * Issue #2 "Optimality" over HTTP: on a small case, POST /v1/plans returns the same best step
 * time as brute force over POST /v1/estimates — every (dp, tp, pp, micro-batch, schedule and
 * chunk count, layer split, recompute, ZeRO stage) the default framework (Megatron-LM) can run.
 */
import { describe, expect, it } from 'vitest';
import { serverForFile } from './server.js';

const MODEL = { transformer: { layers: 4, hiddenSize: 1024, heads: 16, vocabSize: 32000 } };
const CLUSTER = { accelerator: 'nvidia-a100-sxm4-40gb', gpusPerNode: 4, nodes: 1 };
const TRAINING = { globalBatchSize: 8, sequenceLength: 1024 };
const GPUS = 4;

const server = serverForFile({ pool: false });

/** Every way to give `chunks` pipeline chunks at least one of `layers` layers. */
function compositions(layers: number, chunks: number): number[][] {
  if (chunks === 1) return [[layers]];
  const out: number[][] = [];
  for (let first = 1; first <= layers - chunks + 1; first++) {
    for (const rest of compositions(layers - first, chunks - 1)) out.push([first, ...rest]);
  }
  return out;
}

function* strategies(): Generator<Record<string, unknown>> {
  for (const tp of [1, 2, 4]) {
    for (const pp of [1, 2, 4]) {
      if (GPUS % (tp * pp) !== 0) continue;
      const dp = GPUS / (tp * pp);
      for (const mbs of [1, 2, 4, 8]) {
        if (TRAINING.globalBatchSize % (dp * mbs) !== 0) continue;
        const shapes: [string, number][] =
          pp === 1
            ? [['1f1b', 1]]
            : [
                ['1f1b', 1],
                ['interleaved-1f1b', 2],
                ['interleaved-1f1b', 4],
              ];
        for (const [schedule, v] of shapes) {
          if (pp * v > MODEL.transformer.layers) continue;
          for (const layersPerStage of compositions(MODEL.transformer.layers, pp * v)) {
            for (const recompute of ['none', 'selective', 'full']) {
              for (const zeroStage of dp === 1 ? [0] : [0, 1]) {
                yield {
                  dataParallel: dp,
                  tensorParallel: tp,
                  pipelineParallel: pp,
                  microBatchSize: mbs,
                  schedule,
                  virtualStages: v,
                  sequenceParallel: tp > 1,
                  recompute,
                  recomputeLayers: null,
                  zeroStage,
                  layersPerStage,
                };
              }
            }
          }
        }
      }
    }
  }
}

describe('planner vs brute force over POST /v1/estimates', () => {
  it('finds the fastest strategy that fits', async () => {
    let best = Number.POSITIVE_INFINITY;
    let evaluated = 0;
    for (const strategy of strategies()) {
      const res = await server.post('/v1/estimates', {
        model: MODEL,
        cluster: CLUSTER,
        training: TRAINING,
        strategy,
      });
      evaluated++;
      if (res.status === 422) continue;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { estimate: { stepTimeSeconds: number; fits: boolean } };
      if (body.estimate.fits) best = Math.min(best, body.estimate.stepTimeSeconds);
    }
    expect(evaluated).toBeGreaterThan(50);
    const planned = await server.post('/v1/plans', {
      model: MODEL,
      cluster: CLUSTER,
      training: TRAINING,
      search: { topK: 0, constraints: { recomputeLayers: [null] } },
    });
    expect(planned.status).toBe(200);
    const plan = (await planned.json()) as { best: { estimate: { stepTimeSeconds: number } } };
    expect(plan.best.estimate.stepTimeSeconds).toBeCloseTo(best, 12);
  });
});
