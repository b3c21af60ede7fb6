// The CLI's flag tables, request building over --request files, and error attribution (in-process).
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/contract/index.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { CliRequestError, CliUsageError, describeFailure } from '../../src/cli/errors.js';
import type { RequestSource } from '../../src/cli/errors.js';
import { commandHelp, flagForField, flagsOf } from '../../src/cli/flag-spec.js';
import { STUDY_SPEC } from '../../src/cli/other-specs.js';
import { ESTIMATE_SPEC, PLAN_SPEC, SELECT_SPEC } from '../../src/cli/plan-spec.js';
import { parse } from '../../src/cli/args.js';
import { estimateBody, planBody } from '../../src/cli/request-args.js';
import type { RequestBase } from '../../src/cli/request-file.js';

const NO_FILE: RequestBase = { file: null, body: {} };
const FILE: RequestBase = {
  file: 'req.json',
  body: {
    model: 'llama3-70b',
    cluster: { preset: 'dgx-h100', nodes: 64 },
    training: { globalBatchSize: 1024, sequenceLength: 8192, precision: 'bf16' },
    search: { topK: 2, constraints: { pipelineParallel: [8], zeroStage: [1] } },
  },
};

const planValues = (args: string[]) => parse(args, PLAN_SPEC).values;

describe('flag → field map', () => {
  it.each([
    ['search.constraints.tensorParallel', '--tp'],
    ['search.constraints.tensorParallel[0]', '--tp'],
    ['search.constraints.virtualStages[1]', '--vpp'],
    ['search.constraints.zeroStage[0]', '--zero'],
    ['search.constraints.sequenceParallel', '--sp'],
    ['training.framework', '--framework'],
    ['cluster.nodes', '--nodes'],
    ['cluster', '--cluster'],
    ['cluster.groups[1].nodes', '--groups'],
    ['model.huggingFaceConfig', '--model'],
    ['search.exports[0]', '--emit'],
    ['search.prices', '--price'],
  ])('plan: %s → %s', (field, flag) => {
    expect(flagForField(PLAN_SPEC, field)).toBe(flag);
  });

  it('estimate maps strategy fields; select its own paths', () => {
    expect(flagForField(ESTIMATE_SPEC, 'strategy.tensorParallel')).toBe('--tp');
    expect(flagForField(ESTIMATE_SPEC, 'strategy.numMicroBatches')).toBe('--micro-batches');
    expect(flagForField(SELECT_SPEC, 'budgetUsdPerHour')).toBe('--budget');
    expect(flagForField(SELECT_SPEC, 'inventory[0].maxNodes')).toBe('--inventory');
    expect(flagForField(PLAN_SPEC, 'search.nothing')).toBeNull();
  });

  it('every command has help that lists each of its flags', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'plan',
      'estimate',
      'select',
      'schedule',
      'study',
      'models',
      'accelerators',
      'clusters',
      'worker',
    ]);
    for (const spec of COMMANDS) {
      const help = commandHelp(spec);
      expect(help).toMatch(new RegExp(`^Usage: strata ${spec.name}`));
      for (const flag of flagsOf(spec)) expect(help).toContain(`--${flag.name}`);
    }
  });
});

describe('request bodies: flags over --request', () => {
  it('pins go to search.constraints, replacing only their own axis', () => {
    const body = planBody(planValues(['--framework', 'fsdp', '--tp', '8', '--sp']), FILE);
    expect(body).toEqual({
      model: 'llama3-70b',
      cluster: { preset: 'dgx-h100', nodes: 64 },
      training: {
        globalBatchSize: 1024,
        sequenceLength: 8192,
        precision: 'bf16',
        framework: 'fsdp',
      },
      search: {
        topK: 2,
        constraints: {
          pipelineParallel: [8],
          zeroStage: [1],
          tensorParallel: [8],
          sequenceParallel: [true],
        },
      },
    });
  });

  it('comma lists, and a flag replaces the same axis of the file', () => {
    const args = [
      '--pp',
      '4,8',
      '--zero',
      '0,1',
      '--recompute',
      'none,full',
      '--schedule',
      'zb-h1',
    ];
    const search = planBody(planValues(args), FILE)['search'] as Record<string, unknown>;
    expect(search['constraints']).toEqual({
      pipelineParallel: [4, 8],
      zeroStage: [0, 1],
      recompute: ['none', 'full'],
      schedule: ['zb-h1'],
    });
  });

  it('--nodes amends the file cluster; --cluster replaces it keeping its node count', () => {
    expect(planBody(planValues(['--nodes', '8']), FILE)['cluster']).toEqual({
      preset: 'dgx-h100',
      nodes: 8,
    });
    expect(planBody(planValues(['--cluster', 'dgx-a100-80gb']), FILE)['cluster']).toEqual({
      preset: 'dgx-a100-80gb',
      nodes: 64,
    });
  });

  it('a missing field names its flag, and the file when there is one', () => {
    expect(() => planBody(planValues(['--model', 'llama3-8b']), NO_FILE)).toThrow(
      new CliUsageError('--cluster', 'is required'),
    );
    const noSeq: RequestBase = {
      file: 'req.json',
      body: { ...FILE.body, training: { globalBatchSize: 8 } },
    };
    expect(() => planBody(planValues([]), noSeq)).toThrow(
      '--seq: is required (or set training.sequenceLength in req.json)',
    );
  });

  it('bad values name the flag', () => {
    expect(() => planBody(planValues(['--tp', '4,x']), FILE)).toThrow(/^--tp: must be an integer/);
    expect(() => planBody(planValues(['--sp', '--no-sp']), FILE)).toThrow(/^--no-sp/);
    expect(() => planBody(planValues(['--dropout', 'maybe']), FILE)).toThrow(
      /^--dropout: must be on or off/,
    );
    expect(() => parse(['--framwork', 'fsdp'], PLAN_SPEC)).toThrow(
      /--framwork.*strata plan --help/,
    );
  });

  it('MoE / long-context axes: --cp --ep --etp pin lists; --grad-reduce-fp32 sets training', () => {
    const body = planBody(
      planValues(['--cp', '1,2', '--ep', '8', '--etp', '1', '--grad-reduce-fp32', 'off']),
      FILE,
    );
    const search = body['search'] as { constraints: Record<string, unknown> };
    expect(search.constraints).toMatchObject({
      contextParallel: [1, 2],
      expertParallel: [8],
      expertTensorParallel: [1],
    });
    expect(body['training']).toMatchObject({ gradientReduceInFp32: false });
    expect(flagForField(PLAN_SPEC, 'search.constraints.expertParallel[0]')).toBe('--ep');
    const estimate = estimateBody(
      parse(
        ['--dp', '2', '--tp', '4', '--pp', '1', '--mbs', '1', '--cp', '4', '--cp-comm', 'a2a'],
        ESTIMATE_SPEC,
      ).values,
      FILE,
    );
    expect(estimate['strategy']).toMatchObject({ contextParallel: 4, contextParallelComm: 'a2a' });
  });

  it('estimate: the axis flags set the strategy itself', () => {
    const values = parse(
      ['--dp', '4', '--tp', '4', '--pp', '1', '--mbs', '1', '--zero', '1'],
      ESTIMATE_SPEC,
    ).values;
    const body = estimateBody(values, FILE);
    expect(body['strategy']).toEqual({
      dataParallel: 4,
      tensorParallel: 4,
      pipelineParallel: 1,
      microBatchSize: 1,
      zeroStage: 1,
    });
  });
});

describe('errors in the user’s terms', () => {
  const source = (flags: string[], file: string | null): RequestSource => ({
    spec: PLAN_SPEC,
    flagsGiven: new Set(flags),
    file,
    fileKind: 'request',
  });
  const invalid = (paths: (string | number)[][]) =>
    new ApiError('VALIDATION_FAILED', 'invalid request', {
      field: 'x',
      issues: paths.map((path) => ({ code: 'too_small', path, message: 'Too small' })),
    });

  it('a field set by a flag is named by the flag, one line for one issue', () => {
    const error = new CliRequestError(
      invalid([['search', 'constraints', 'tensorParallel', 0]]),
      source(['--tp'], 'req.json'),
    );
    expect(describeFailure(error)).toEqual({ message: '--tp: Too small', exitCode: 2 });
  });

  it('a field from the request file is named by the file and its path (and the flag)', () => {
    const error = new CliRequestError(
      invalid([
        ['cluster', 'nodes'],
        ['search', 'constraints', 'pipelineParallel', 0],
      ]),
      source(['--pp'], 'req.json'),
    );
    expect(describeFailure(error).message).toBe(
      [
        'invalid request req.json (400 VALIDATION_FAILED), 2 issues:',
        '  cluster.nodes (--nodes): Too small',
        '  --pp: Too small',
      ].join('\n'),
    );
  });

  it('a study spec lists every issue with its path, as a 4xx', () => {
    const error = new CliRequestError(
      invalid([
        ['axes', 'nodes', 0],
        ['goal', 'tokens'],
      ]),
      {
        spec: STUDY_SPEC,
        flagsGiven: new Set(),
        file: 'spec.json',
        fileKind: 'study spec',
      },
    );
    const { message, exitCode } = describeFailure(error);
    expect(exitCode).toBe(2);
    expect(message).toBe(
      'invalid study spec spec.json (400 VALIDATION_FAILED), 2 issues:\n  axes.nodes[0]: Too small\n  goal.tokens: Too small',
    );
  });

  it('no plan within pinned axes names the pins', () => {
    const infeasible = new ApiError('INFEASIBLE', 'no feasible strategy on 512 GPUs', {
      field: 'cluster',
      details: { reason: 'no-feasible-plan' },
    });
    const { message, exitCode } = describeFailure(
      new CliRequestError(infeasible, source(['--tp', '--pp'], null)),
    );
    expect(message).toMatch(/^--tp --pp: no feasible strategy .*loosen them$/);
    expect(exitCode).toBe(1);
  });
});
