// Which framework a plan is for, and the numbers when another would be faster.
import { describe, expect, it } from 'vitest';
import type { ApiStrategy, PlanResponse } from '../../src/contract/index.js';
import {
  COMPARE_MAX_CANDIDATES,
  frameworkLines,
  plannedFramework,
  requestUnder,
  skipReason,
} from '../../src/cli/framework-compare.js';

const strategy = (over: Partial<ApiStrategy>): ApiStrategy => ({
  dataParallel: 128,
  tensorParallel: 4,
  pipelineParallel: 1,
  contextParallel: 1,
  contextParallelComm: 'p2p',
  expertParallel: 1,
  expertTensorParallel: 1,
  virtualStages: 1,
  sequenceSlices: 1,
  sequenceParallel: true,
  microBatchSize: 1,
  numMicroBatches: 8,
  recompute: 'none',
  recomputeLayers: null,
  zeroStage: 3,
  dataParallelShard: 128,
  schedule: '1f1b',
  layersPerStage: null,
  ...over,
});

const response = (candidates: number) => ({ search: { candidates } }) as unknown as PlanResponse;

describe('framework comparison', () => {
  it('says which framework is faster, by how much, and the flag to use', () => {
    const lines = frameworkLines(
      {
        planned: 'megatron',
        chosenBy: null,
        others: [
          {
            framework: 'deepspeed',
            stepTimeSeconds: 17.816,
            strategy: strategy({ dataParallel: 512, tensorParallel: 1, recompute: 'full' }),
          },
          { framework: 'fsdp', stepTimeSeconds: 15.697, strategy: strategy({}) },
        ],
      },
      17.551,
    );
    expect(lines).toEqual([
      'Framework: megatron (the default). fsdp would be 11.8% faster: plan with --framework fsdp',
      '  megatron   17.551 s/step  this plan',
      '  deepspeed  17.816 s/step  1.5% slower   dp=512 tp=1 pp=1, ZeRO-3, recompute full',
      '  fsdp       15.697 s/step  11.8% faster  dp=128 tp=4 pp=1, ZeRO-3',
    ]);
  });

  it('says when the chosen framework is the fastest, and when another has no plan', () => {
    const lines = frameworkLines(
      {
        planned: 'fsdp',
        chosenBy: '--framework',
        others: [
          {
            framework: 'megatron',
            stepTimeSeconds: null,
            strategy: null,
            reason: 'no feasible strategy',
          },
          {
            framework: 'deepspeed',
            stepTimeSeconds: 21.456,
            strategy: strategy({ tensorParallel: 8 }),
          },
        ],
      },
      17.674,
    );
    expect(lines[0]).toBe(
      'Framework: fsdp (from --framework), the fastest of the three for this request:',
    );
    expect(lines[2]).toMatch(/^ {2}megatron +no plan +no feasible strategy$/);
    expect(lines[3]).toMatch(/21\.4% slower/);
  });

  it('only names the framework when not compared, saying why', () => {
    const [line] = frameworkLines(
      { planned: 'deepspeed', chosenBy: 'req.json', others: null, skipped: '--no-compare' },
      1,
    );
    expect(line).toBe(
      'Framework: deepspeed (from req.json); not compared with megatron, fsdp (--no-compare): --framework to plan for them',
    );
  });

  it('compares cheap searches for the fastest plan only', () => {
    const body = { training: { framework: 'fsdp' }, search: { objective: 'min-gpus' } };
    expect(plannedFramework(body)).toBe('fsdp');
    expect(plannedFramework({})).toBe('megatron');
    expect(skipReason({}, response(10_482), false)).toBeNull();
    expect(skipReason({}, response(10_482), true)).toBe('--no-compare');
    expect(skipReason(body, response(10), false)).toBe('objective min-gpus');
    expect(skipReason({}, response(COMPARE_MAX_CANDIDATES + 1), false)).toMatch(/candidates$/);
  });

  it('re-plans the same request under another framework, best plan only, no exports', () => {
    const body = {
      model: 'm',
      training: { globalBatchSize: 8, framework: 'megatron' },
      search: { topK: 5, exports: ['megatron'], constraints: { tensorParallel: [8] } },
    };
    expect(requestUnder(body, 'fsdp')).toEqual({
      model: 'm',
      training: { globalBatchSize: 8, framework: 'fsdp' },
      search: { topK: 0, constraints: { tensorParallel: [8] } },
    });
    expect(body.search.exports).toEqual(['megatron']);
  });
});
