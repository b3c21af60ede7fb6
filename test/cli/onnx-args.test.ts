/**
 * plan --model file.onnx (issue #18): the README's command plans examples/onnx/tiny-transformer.onnx,
 * and the ONNX flags (--seq, --batch-size, --dim, --input-value) become the request's binding.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/cli/args.js';
import { PLAN_SPEC } from '../../src/cli/plan-spec.js';
import { planBody } from '../../src/cli/request-args.js';
import { GraphPlanResponse } from '../../src/contract/schemas.js';

/** The README's `npx strata plan --model examples/onnx/tiny-transformer.onnx …` command, as argv. */
function readmeCommand(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('npx strata plan --model examples/onnx/tiny-transformer.onnx');
  expect(start).toBeGreaterThan(0);
  const lines: string[] = [];
  for (const line of readme.slice(start).split('\n')) {
    lines.push(line.replace(/\\$/, ''));
    if (!line.endsWith('\\')) break;
  }
  return lines.join(' ').split(/\s+/).filter(Boolean).slice(2); // drop `npx strata`
}

/** `strata plan <args>` → the POST /v1/plans body the CLI sends (no --request file). */
const planRequest = (args: readonly string[]) =>
  planBody(parse(args.slice(1), PLAN_SPEC).values, { file: null, body: {} }) as {
    model: unknown;
    training: { sequenceLength?: number };
  };

describe('strata plan --model file.onnx', () => {
  it("the README's command plans tiny-transformer.onnx", () => {
    const args = readmeCommand();
    expect(args.slice(0, 3)).toEqual(['plan', '--model', 'examples/onnx/tiny-transformer.onnx']);
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args, '--json', '--quiet'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const body = GraphPlanResponse.parse(JSON.parse(result.stdout));
    expect(body.best.estimate.numMicroBatches).toBe(16); // 64 / --batch-size 4
    expect(body.search.status).toBe('optimal');
  }, 120_000);

  it('--seq is the sequence length; --dim and --input-value repeat into dimParams / inputValues', () => {
    const request = planRequest([
      'plan',
      '--model',
      'test/fixtures/onnx-real/silero_vad_legacy.onnx',
      '--cluster',
      'dgx-a100-80gb',
      '--nodes',
      '1',
      '--global-batch',
      '8',
      '--seq',
      '512',
      '--batch-size',
      '2',
      '--dim',
      'h[1]=1',
      '--dim',
      'width=64',
      '--input-value',
      'sr=16000',
      '--input-value',
      'mask=1,0,1',
    ]);
    expect(request.training.sequenceLength).toBe(512);
    expect(request.model).toMatchObject({
      batchSize: 2,
      dimParams: { 'h[1]': 1, width: 64 },
      inputValues: { sr: 16000, mask: [1, 0, 1] },
    });
    expect(typeof (request.model as { onnx: string }).onnx).toBe('string');
  });

  it('an .onnx model needs --seq; a malformed --dim names the flag', () => {
    const base = ['plan', '--model', 'examples/onnx/mlp.onnx', '--cluster', 'dgx-a100-80gb'];
    const more = ['--nodes', '1', '--global-batch', '64'];
    expect(() => planRequest([...base, ...more])).toThrow(/--seq.*required/);
    expect(() => planRequest([...base, ...more, '--seq', '1', '--dim', 'seq'])).toThrow(
      /--dim.*NAME=VALUE/,
    );
  });
});
