import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PlanResponse } from '../../src/api/schemas.js';

function strata(args: readonly string[]) {
  // Same as `npx tsx src/cli.ts ...`, without npm's own warnings on stderr.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SMALL = ['--model', 'llama3-8b', '--cluster', 'dgx-h100', '--nodes', '2'];
const TRAINING = ['--global-batch', '64', '--seq', '4096'];

describe('strata CLI', () => {
  it('plan --json prints the API response', () => {
    const { status, stdout } = strata(['plan', ...SMALL, ...TRAINING, '--top', '2', '--json']);
    expect(status).toBe(0);
    const body = PlanResponse.parse(JSON.parse(stdout));
    expect(body.best.worldSize).toBe(16);
    expect(body.alternatives.length).toBeLessThanOrEqual(2);
  });

  it('plan prints a readable report by default', () => {
    const { status, stdout } = strata(['plan', ...SMALL, ...TRAINING, '--top', '1']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Best strategy: dp=\d+ tp=\d+ pp=\d+/);
    expect(stdout).toMatch(/Step time/);
    expect(stdout).toMatch(/Memory per GPU/);
    expect(stdout).toMatch(/Rejected:/);
  });

  it('estimate prints the estimate', () => {
    const strategy = ['--dp', '4', '--tp', '4', '--pp', '1', '--mbs', '1'];
    const { status, stdout } = strata(['estimate', ...SMALL, ...TRAINING, ...strategy]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Strategy: dp=4 tp=4 pp=1/);
  });

  it.each([
    [['--nodes', 'two'], '--nodes'],
    [['--nodes', '0'], '--nodes'],
    [['--frobnicate'], '--frobnicate'],
  ])('exits 2 naming the bad flag %j', (extra, flag) => {
    const base = ['--model', 'llama3-8b', '--cluster', 'dgx-h100', '--nodes', '2', ...TRAINING];
    const { status, stderr } = strata(['plan', ...base, ...extra]);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(flag);
  });
});
