// The CLI as a new user meets it (issue #16): --framework, pins, --request, --version, per-command
// help, stderr-only progress, framework comparison, schedule files, errors in the user's terms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanResponse } from '../../src/contract/schemas.js';

function strata(args: readonly string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'));
const file = (name: string, body: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
};
const REQUEST = {
  model: 'llama3-8b',
  cluster: { preset: 'dgx-h100', nodes: 2 },
  training: { globalBatchSize: 64, sequenceLength: 4096 },
  search: { topK: 1 },
};
/** Lines the progress reporter writes when stderr is not a terminal. */
const PROGRESS_LINE = /^strata: (.+…|still .+|done in [\d.]+ s|wrote the schedule to .+)$/;

describe('strata plan: framework, pins and request files', () => {
  it('plan --framework fsdp --tp 8 --request req.json --json: flags over the file, clean JSON', () => {
    const req = file('req.json', REQUEST);
    const { status, stdout, stderr } = strata([
      'plan',
      '--framework',
      'fsdp',
      '--tp',
      '8',
      '--request',
      req,
      '--json',
    ]);
    expect(status).toBe(0);
    const body = PlanResponse.parse(JSON.parse(stdout));
    expect(body.best.strategy.tensorParallel).toBe(8);
    expect(body.best.worldSize).toBe(16);
    for (const line of stderr.split('\n').filter((l) => l !== '')) {
      expect(line).toMatch(PROGRESS_LINE);
    }
  });

  it('the report names the framework and what the others would plan, with numbers', () => {
    const { status, stdout } = strata(['plan', '--request', file('r.json', REQUEST)]);
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[1]).toMatch(/^Framework: megatron \(the default\)/);
    expect(stdout).toMatch(/^ {2}megatron +[\d.]+ m?s\/step +this plan$/m);
    expect(stdout).toMatch(/^ {2}deepspeed +[\d.]+ m?s\/step +[\d.]+% (slower|faster) +dp=\d+/m);
    expect(stdout).toMatch(/^ {2}fsdp +[\d.]+ m?s\/step +[\d.]+% (slower|faster) +dp=\d+/m);
  });

  it('--schedule-out writes the best plan’s schedule as SVG', () => {
    const out = join(dir, 'schedule.svg');
    const args = ['plan', '--request', file('pp.json', REQUEST), '--pp', '2', '--no-compare'];
    const { status, stdout } = strata([...args, '--schedule-out', out]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/not compared with deepspeed, fsdp \(--no-compare\)/);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/— p=2 m=\d+/);
  });

  it('an invalid request file: every issue, named by file path and flag', () => {
    const bad = file('bad.json', { ...REQUEST, cluster: { preset: 'dgx-h100', nodes: 0 } });
    const { status, stderr } = strata(['plan', '--request', bad, '--tp', '0', '-q']);
    expect(status).toBe(2);
    expect(stderr).toContain(`invalid request ${bad} (400 VALIDATION_FAILED), 2 issues:`);
    expect(stderr).toContain('cluster.nodes (--nodes): Too small');
    expect(stderr).toMatch(/^ {2}--tp: Too small/m);
  });
});

describe('strata: version, help, study errors', () => {
  it('--version prints package.json’s version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const { status, stdout } = strata(['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(`strata ${pkg.version}`);
  });

  // The other commands' help is checked in-process (flags.test.ts); worker must not start.
  it.each(['plan', 'worker'])('%s --help prints that command’s flags', (command) => {
    const { status, stdout } = strata([command, '--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: strata ${command}`));
    expect(stdout).toContain('--help');
    if (command === 'plan') {
      for (const flag of ['--framework', '--request', '--tp', '--vpp', '--zero', '--sp']) {
        expect(stdout).toContain(flag);
      }
    }
  });

  it('a bad study spec: a 4xx listing each issue with its path, never "internal error"', () => {
    const spec = file('spec.json', {
      axes: { models: ['llama3-8b'], clusters: [{ preset: 'dgx-h100' }], nodes: [0] },
      goal: { tokens: -1 },
    });
    const { status, stderr } = strata(['study', spec]);
    expect(status).toBe(2);
    expect(stderr).not.toContain('internal error');
    expect(stderr).toContain(`invalid study spec ${spec} (400 VALIDATION_FAILED), 3 issues:`);
    expect(stderr).toMatch(/^ {2}axes\.clusters\[0\]\.nodes: /m);
    expect(stderr).toMatch(/^ {2}axes\.nodes\[0\]: Too small/m);
    expect(stderr).toMatch(/^ {2}goal\.tokens: Too small/m);
  });
});
